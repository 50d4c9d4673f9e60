package dev.linkstack.backup.restore;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class RoundTripTest {

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    BackupCommandLine commandLine;

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "zstd", "custom"})
    void restoreIntoANewDatabaseYieldsIdenticalSchemaAndData(String format) throws Exception {
        String id = Api.backup("{\"format\":\"" + format + "\"}");
        String copy = "copy_" + format;

        restore(id, copy).then().statusCode(200)
                .body("database", equalTo(copy))
                .body("createdDatabase", equalTo(true))
                .body("tables.find { it.table == 'customers' }.rows", equalTo(500));

        String original = postgres.snapshot(TestPostgres.DATABASE);
        assertTrue(original.contains("CREATE TABLE public.customers") && original.contains("-- rows of public.customers")
                && original.contains("O'Brien") && original.contains("-- sequence public.customers_id_seq = 777"), "the snapshot sees schema, rows and sequences");
        assertEquals(original, postgres.snapshot(copy));
    }

    @Test
    void restoreOverAnExistingDatabaseReplacesItsContents() throws Exception {
        String id = Api.backup(null);
        String target = "existing_copy";
        restore(id, target).then().statusCode(200);
        postgres.psql(target, "DELETE FROM orders WHERE id < 500; UPDATE customers SET name = 'changed'; INSERT INTO audit.events (payload) VALUES ('late');");
        assertFalse(postgres.snapshot(TestPostgres.DATABASE).equals(postgres.snapshot(target)), "the copy was changed");

        restore(id, target).then().statusCode(200).body("createdDatabase", equalTo(false));

        assertEquals(postgres.snapshot(TestPostgres.DATABASE), postgres.snapshot(target));
    }

    @Test
    void aRestoreThatFailsHalfwayChangesNothing() throws Exception {
        String id = Api.backup(null);
        String target = "guarded_copy";
        restore(id, target).then().statusCode(200);
        // A view the dump does not know makes its "DROP TABLE customers" fail after other objects were already dropped.
        postgres.psql(target, "CREATE VIEW local_names AS SELECT name FROM customers; DELETE FROM orders WHERE id > 1000;");
        String before = postgres.snapshot(target);

        restore(id, target).then().statusCode(422)
                .body("error", equalTo("restore_failed"))
                .body("message", containsString("nothing was changed"))
                .body("message", containsString("depend"));

        assertEquals(before, postgres.snapshot(target), "single transaction: the failed restore left no trace");
    }

    @Test
    void verifyRestoresIntoAScratchDatabaseAndDropsIt() throws Exception {
        String id = Api.backup("{\"format\":\"zstd\"}");
        authorized().post("/api/backups/" + id + "/verify").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("checksumOk", equalTo(true))
                .body("tables.find { it.schema == 'public' && it.table == 'customers' }.rows", equalTo(500))
                .body("tables.find { it.schema == 'public' && it.table == 'orders' }.rows", equalTo(1800))
                .body("tables.find { it.schema == 'audit' && it.table == 'events' }.rows", equalTo(50))
                .body("totalRows", equalTo(2350))
                .body("scratchDatabase", startsWith("backup_verify_"));
        String scratch = authorized().post("/api/backups/" + id + "/verify").jsonPath().getString("scratchDatabase");
        assertFalse(postgres.databaseExists(scratch), "scratch database dropped");
    }

    @Test
    void aDamagedBackupFailsVerificationAndIsNotRestored() throws Exception {
        String id = Api.backup(null);
        Path dump = postgres.backupDir().resolve(id + ".sql.gz");
        byte[] bytes = Files.readAllBytes(dump);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(dump, bytes, StandardOpenOption.TRUNCATE_EXISTING);

        authorized().post("/api/backups/" + id + "/verify").then().statusCode(422)
                .body("ok", equalTo(false))
                .body("checksumOk", equalTo(false))
                .body("error", containsString("checksum mismatch"));
        restore(id, "never_created").then().statusCode(422).body("message", containsString("damaged"));
        assertFalse(postgres.databaseExists("never_created"));
    }

    @Test
    void commandLineListsVerifiesAndRestores() throws Exception {
        Run backup = cli(List.of("backup", "--format", "custom"), "");
        assertEquals(0, backup.exit, backup.err);
        String id = backup.out.split(" ")[1];
        assertTrue(Files.exists(postgres.backupDir().resolve(id + ".dump")), backup.out);

        Run list = cli(List.of("list"), "");
        assertEquals(0, list.exit);
        assertTrue(list.out.contains(id), list.out);

        Run verify = cli(List.of("verify", id), "");
        assertEquals(0, verify.exit, verify.err);
        assertTrue(verify.out.contains("public.customers") && verify.out.contains("500 rows"), verify.out);

        Run unconfirmed = cli(List.of("restore", id, "--to", "cli_copy"), "something else\n");
        assertEquals(BackupCommandLine.FAILED, unconfirmed.exit);
        assertFalse(postgres.databaseExists("cli_copy"), "no confirmation, no restore");

        Run confirmed = cli(List.of("restore", id, "--to", "cli_copy"), "cli_copy\n");
        assertEquals(0, confirmed.exit, confirmed.err);
        assertEquals(postgres.snapshot(TestPostgres.DATABASE), postgres.snapshot("cli_copy"));

        Run scripted = cli(List.of("restore", id, "--to", "cli_copy", "--yes"), "");
        assertEquals(0, scripted.exit, scripted.err);
    }

    @Test
    void commandLineRejectsBadInvocations() {
        assertEquals(BackupCommandLine.USAGE, cli(List.of("explode"), "").exit);
        assertEquals(BackupCommandLine.USAGE, cli(List.of("restore", "shop-20200101T000000000Z"), "").exit);
        assertEquals(BackupCommandLine.USAGE, cli(List.of("restore", "shop-20200101T000000000Z", "--to", "bad;name"), "").exit);
        assertEquals(BackupCommandLine.USAGE, cli(List.of("backup", "--format", "rar"), "").exit);
        Run traversal = cli(List.of("verify", "../../etc/passwd"), "");
        assertEquals(BackupCommandLine.FAILED, traversal.exit);
        assertTrue(traversal.err.contains("invalid backup id"), traversal.err);
        Run unknown = cli(List.of("verify", "shop-20200101T000000000Z"), "");
        assertEquals(BackupCommandLine.FAILED, unknown.exit);
        assertTrue(unknown.err.contains("no backup"), unknown.err);
    }

    private static Response restore(String id, String database) {
        return authorized().contentType("application/json")
                .body("{\"database\":\"" + database + "\",\"confirm\":\"" + database + "\"}")
                .post("/api/backups/" + id + "/restore");
    }

    private Run cli(List<String> args, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = commandLine.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new BufferedReader(new StringReader(stdin)));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int exit, String out, String err) {
    }
}
