package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static dev.linkstack.backup.pitr.PitrTesting.baseBackupOnceReceiving;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Base backups signed with BACKUP_SIGNING_KEY, as the dumps are: one whose file was replaced and checksum rewritten is
 * refused by the API and the command line before anything is written, so is an unsigned one until sign-existing.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "backup.encryption.signing-key", value = "pitr-signing-key-0123456789abcdef0123456789"))
class SignedBaseBackupTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    BackupCommandLine commandLine;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aForgedOrUnsignedBaseBackupIsRefusedUntilSigned() throws Exception {
        Response taken = baseBackupOnceReceiving(receiver);
        String id = taken.jsonPath().getString("id");
        assertNotNull(taken.jsonPath().getString("signature"), "signed when taken");
        switchWal(postgres, 1);
        Path dir = postgres.backupDir().resolve("base").resolve(id);
        Path metadata = dir.resolve(BaseBackups.METADATA);
        byte[] genuine = Files.readAllBytes(metadata);
        Path tar = dir.resolve("base.tar.gz");
        Path kept = Files.move(tar, dir.resolveSibling(id + "-genuine.tar.gz"), StandardCopyOption.ATOMIC_MOVE);
        try {
            // An attacker's file with its checksum rewritten, the signature left as it was.
            Files.writeString(tar, "not the service's base backup");
            ObjectNode forged = (ObjectNode) json.readTree(genuine);
            ((ObjectNode) forged.path("files").path("base.tar.gz")).put("sha256", Checksums.sha256(tar)).put("sizeBytes", Files.size(tar));
            Files.write(metadata, json.writeValueAsBytes(forged));
            Path target = newDirectory();
            restore("{\"directory\":\"" + target + "\",\"target\":\"latest\"}").then().log().ifValidationFails().statusCode(422)
                    .body("error", equalTo("base_backup_forged")).body("message", containsString("forged or altered"));
            CommandLineRun cli = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", target.toString(), "--latest");
            assertEquals(BackupCommandLine.FAILED, cli.exit());
            assertTrue(cli.err().contains("forged or altered"), cli.err());
            assertFalse(Files.exists(target), "nothing written for a forged base backup");
        } finally {
            Files.move(kept, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        ObjectNode unsigned = (ObjectNode) json.readTree(genuine);
        unsigned.remove("signature");
        Files.write(metadata, json.writeValueAsBytes(unsigned));
        Path target = newDirectory();
        restore("{\"directory\":\"" + target + "\",\"target\":\"latest\"}").then().statusCode(422)
                .body("error", equalTo("base_backup_forged")).body("message", containsString("carries no signature"));

        CommandLineRun signing = CommandLineRun.of(commandLine, "sign-existing", "--yes");
        assertEquals(BackupCommandLine.OK, signing.exit(), signing.err());
        assertTrue(signing.out().contains("signed 1 base backup(s)"), signing.out());
        assertTrue(new String(Files.readAllBytes(metadata), StandardCharsets.UTF_8).contains("\"signature\""), "signed in place");
        try {
            restore("{\"directory\":\"" + target + "\",\"target\":\"latest\"}").then().log().ifValidationFails().statusCode(200)
                    .body("baseBackupId", equalTo(id));
        } finally {
            Processes.deleteRecursively(target);
        }
        ReliabilityReport.record("backup-service: forged base backup (file replaced, checksum in base.json rewritten)", "1 API and 1 CLI restore",
                "0 restores of it (422 base_backup_forged)", "none (refused before writing)");
    }

    private static Path newDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "pitr-signed-" + System.nanoTime());
    }
}
