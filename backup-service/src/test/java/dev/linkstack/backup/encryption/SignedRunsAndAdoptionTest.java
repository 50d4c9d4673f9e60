package dev.linkstack.backup.encryption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a signing key, a run's manifest is signed too, so the globals dump it vouches for (SQL that a run restore
 * executes) cannot be swapped; and backups made before the key was set become usable only through the operator's
 * sign-existing command, which signs nothing whose checksum no longer matches.
 */
@QuarkusTest
@TestProfile(SignedRunsAndAdoptionTest.SignedRunWithGlobals.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class SignedRunsAndAdoptionTest {

    public static class SignedRunWithGlobals implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.encryption.signing-key", "test-signing-key-0123456789abcdef0123456789",
                    "backup.globals", "true", "backup.databases", TestPostgres.DATABASE);
        }
    }

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    BackupCommandLine cli;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void swappedGlobalsWithARewrittenChecksumAreRefusedBeforeAnythingRuns() throws Exception {
        Api.backup(null);
        Response runs = authorized().get("/api/backups/runs");
        String runId = runs.jsonPath().getString("[0].runId");
        Path manifestFile = postgres.backupDir().resolve("runs").resolve(runId + ".json");
        ObjectNode manifest = (ObjectNode) json.readTree(manifestFile.toFile());
        Path globals = manifestFile.getParent().resolve(manifest.get("globalsFile").asText());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(globals))) {
            out.write("CREATE ROLE planted_by_attacker SUPERUSER LOGIN PASSWORD 'x';\n".getBytes(StandardCharsets.UTF_8));
        }
        manifest.put("globalsSha256", Checksums.sha256(globals));
        json.writeValue(manifestFile.toFile(), manifest);

        Response restore = authorized().contentType("application/json").body(Map.of("confirm", runId))
                .post("/api/backups/runs/" + runId + "/restore");
        boolean planted = count("SELECT count(*) FROM pg_roles WHERE rolname = 'planted_by_attacker'") > 0;
        ReliabilityReport.record("backup-service: forged run (globals swapped, checksum in the manifest rewritten)", "1 run restore",
                (restore.statusCode() == 200 ? 1 : 0) + " of 1 accepted", planted ? "the attacker's role was created" : "none (nothing restored)");
        restore.then().statusCode(422).body("error", equalTo("restore_failed")).body("message", containsString("forged"));
        assertFalse(planted, "the swapped globals did not run");
    }

    @Test
    void backupsFromBeforeTheKeyAreUsableOnlyOnceTheOperatorSignsThemAndNeverWhenAltered() throws Exception {
        String intact = Api.backup(null);
        String altered = Api.backup(null);
        String forged = Api.backup(null);
        // As written before BACKUP_SIGNING_KEY was set: no signature. The third carries a signature that is not ours.
        stripSignature(intact, null);
        stripSignature(altered, null);
        stripSignature(forged, "00".repeat(32));
        Files.writeString(postgres.backupDir().resolve(authorized().get("/api/backups/" + altered).jsonPath().getString("file")), "x",
                StandardOpenOption.APPEND);
        for (String id : List.of(intact, altered, forged)) {
            authorized().post("/api/backups/" + id + "/verify").then().statusCode(422).body("ok", equalTo(false));
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int refused = cli.execute(List.of("sign-existing"), new PrintStream(out, true), new PrintStream(err, true),
                new BufferedReader(new StringReader("no\n")));
        assertEquals(BackupCommandLine.FAILED, refused, "nothing is signed without the confirmation");
        authorized().post("/api/backups/" + intact + "/verify").then().statusCode(422);

        int exit = cli.execute(List.of("sign-existing", "--yes"), new PrintStream(out, true), new PrintStream(err, true), null);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(BackupCommandLine.FAILED, exit, "an altered backup left unsigned is reported as a failure: " + errors);
        assertTrue(errors.contains("left unsigned: backup " + altered), errors);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("signed 1 backup(s)"), out.toString(StandardCharsets.UTF_8));

        authorized().post("/api/backups/" + intact + "/verify").then().statusCode(200).body("ok", equalTo(true));
        authorized().post("/api/backups/" + altered + "/verify").then().statusCode(422).body("error", containsString("no signature"));
        authorized().post("/api/backups/" + forged + "/verify").then().statusCode(422).body("error", containsString("forged"));
        ReliabilityReport.record("backup-service: sign-existing on backups from before the signing key (1 intact, 1 altered, 1 foreign signature)",
                "3 backups", "0 altered or foreign ones signed", "none");
    }

    private void stripSignature(String id, String replacement) throws Exception {
        Path metadataFile = postgres.backupDir().resolve(id + ".json");
        ObjectNode tree = (ObjectNode) json.readTree(metadataFile.toFile());
        if (replacement == null) {
            tree.remove("signature");
        } else {
            tree.put("signature", replacement);
        }
        json.writeValue(metadataFile.toFile(), tree);
    }

    private long count(String sql) throws Exception {
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
