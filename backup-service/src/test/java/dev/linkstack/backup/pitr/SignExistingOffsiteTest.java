package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.S3Resource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.linkstack.backup.pitr.PitrTesting.baseBackupOnceReceiving;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sign-existing with an off-site target (S3Proxy): a base backup copied off-site before BACKUP_SIGNING_KEY was set gets
 * its signed base.json in the bucket too, so that with the local archive's base backups gone a restore from the
 * off-site copy is accepted; with the store unreachable the command says so and exits 1.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "backup.encryption.signing-key", value = "pitr-signing-key-0123456789abcdef0123456789"),
                // Rounds only when the test asks for one: the copy must be of the unsigned base.json.
                @ResourceArg(name = "backup.pitr.offsite-every", value = "PT1H")})
@QuarkusTestResource(value = S3Resource.class, restrictToAnnotatedClass = true)
class SignExistingOffsiteTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    PitrOffsiteCopy offsite;

    @Inject
    BackupCommandLine commandLine;

    @Test
    void signExistingSignsTheOffsiteCopyOfABaseBackupToo() throws Exception {
        Response taken = baseBackupOnceReceiving(receiver);
        String id = taken.jsonPath().getString("id");
        switchWal(postgres, 1);
        // As made before the key was set: no signature, and copied off-site so.
        Path dir = postgres.backupDir().resolve("base").resolve(id);
        Path metadata = dir.resolve(BaseBackups.METADATA);
        ObjectMapper json = new ObjectMapper();
        ObjectNode unsigned = (ObjectNode) json.readTree(Files.readAllBytes(metadata));
        unsigned.remove("signature");
        Files.write(metadata, json.writeValueAsBytes(unsigned));
        assertEquals(0, offsite.copyPending());
        String key = "shop/pitr/base/" + id + "/" + BaseBackups.METADATA;
        try (S3Client s3 = S3Resource.client()) {
            assertArrayEquals(Files.readAllBytes(metadata), object(s3, key), "the off-site copy holds the unsigned base.json");

            CommandLineRun signing = CommandLineRun.of(commandLine, "sign-existing", "--yes");
            assertEquals(BackupCommandLine.OK, signing.exit(), signing.err());
            assertTrue(signing.out().contains("signed 1 base backup(s)"), signing.out());
            assertTrue(signing.out().contains("updated the off-site copy of 1 base backup(s)"), signing.out());
            byte[] signed = Files.readAllBytes(metadata);
            assertTrue(new String(signed, StandardCharsets.UTF_8).contains("\"signature\""), "signed in place");
            assertArrayEquals(signed, object(s3, key), "the off-site copy holds the signed base.json");

            CommandLineRun again = CommandLineRun.of(commandLine, "sign-existing", "--yes");
            assertEquals(BackupCommandLine.OK, again.exit(), again.err());
            assertTrue(again.out().contains("signed 0 base backup(s)") && again.out().contains("updated the off-site copy of 0 base backup(s)"),
                    again.out());
        }

        BaseBackups.deleteTree(dir);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "pitr-signed-offsite-" + System.nanoTime());
        try {
            restore("{\"directory\":\"" + target + "\",\"target\":\"latest\",\"source\":\"offsite\"}").then().log().ifValidationFails()
                    .statusCode(200).body("baseBackupId", equalTo(id));
        } finally {
            Processes.deleteRecursively(target);
        }
        assertTrue(Files.isRegularFile(metadata), "the base backup is back in the local archive");

        S3Resource.server().kill();
        try {
            CommandLineRun unreachable = CommandLineRun.of(commandLine, "sign-existing", "--yes");
            assertEquals(BackupCommandLine.FAILED, unreachable.exit(), unreachable.out());
            assertTrue(unreachable.err().contains("off-site copies keep their unsigned base.json"), unreachable.err());
        } finally {
            S3Resource.server().start();
        }
    }

    private static byte[] object(S3Client s3, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(S3Resource.BUCKET).key(key)).asByteArray();
    }
}
