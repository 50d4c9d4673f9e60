package dev.linkstack.backup.encryption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.EncryptionKeyResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service holds only an age public key: backups are unreadable without the private key handed in per request. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EncryptionKeyResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EncryptedBackupTest {

    @InjectPostgres
    TestPostgres postgres;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    @Order(1)
    void backupsAreEncryptedAndNeedThePrivateKeyToRestore() throws Exception {
        String id = Api.backup(null);
        Response metadata = authorized().get("/api/backups/" + id);
        metadata.then().body("encryption", equalTo("age-x25519")).body("file", endsWith(".sql.gz.age"));
        Path file = postgres.backupDir().resolve(metadata.jsonPath().getString("file"));
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(new String(bytes, 0, 21, StandardCharsets.US_ASCII).equals("age-encryption.org/v1"), "an age file");
        assertEquals(Checksums.sha256(file), metadata.jsonPath().getString("sha256"), "the checksum covers the encrypted file");
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("CREATE TABLE"), "no plain SQL in the file");
        assertThrows(IOException.class, () -> new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes(), "not a readable gzip either");

        authorized().post("/api/backups/" + id + "/verify").then().statusCode(400)
                .body("error", equalTo("private_key_required"))
                .body("message", containsString("is encrypted"));
        authorized().contentType("application/json").body(Map.of("database", "from_encrypted", "confirm", "from_encrypted"))
                .post("/api/backups/" + id + "/restore").then().statusCode(400).body("error", equalTo("private_key_required"));
        assertFalse(postgres.databaseExists("from_encrypted"));

        authorized().contentType("application/json").body(Map.of("identity", "not-a-key"))
                .post("/api/backups/" + id + "/verify").then().statusCode(400).body("error", equalTo("bad_request"));
        String wrongKey = EncryptionKeyResource.newKeyPair().getPrivate().toString();
        authorized().contentType("application/json").body(Map.of("identity", wrongKey))
                .post("/api/backups/" + id + "/verify").then().statusCode(422).body("error", containsString("cannot decrypt"));

        authorized().contentType("application/json").body(Map.of("identity", EncryptionKeyResource.identity()))
                .post("/api/backups/" + id + "/verify").then().statusCode(200).body("ok", equalTo(true));
        authorized().contentType("application/json")
                .body(Map.of("database", "from_encrypted", "confirm", "from_encrypted", "identity", EncryptionKeyResource.identity()))
                .post("/api/backups/" + id + "/restore").then().statusCode(200);
        assertEquals(postgres.snapshot(TestPostgres.DATABASE), postgres.snapshot("from_encrypted"));
    }

    @Test
    @Order(2)
    void customArchivesAreEncryptedAndRestoredThroughPgRestore() {
        String id = Api.backup("{\"format\": \"custom\"}");
        authorized().get("/api/backups/" + id).then().body("file", endsWith(".dump.age"));
        authorized().contentType("application/json").body(Map.of("identity", EncryptionKeyResource.identity()))
                .post("/api/backups/" + id + "/verify").then().statusCode(200).body("ok", equalTo(true)).body("totalRows", org.hamcrest.Matchers.greaterThan(0));
    }

    @Test
    @Order(3)
    void aTamperedEncryptedBackupIsRefusedEvenWithAMatchingChecksum() throws Exception {
        String id = Api.backup(null);
        Response metadata = authorized().get("/api/backups/" + id);
        Path file = postgres.backupDir().resolve(metadata.jsonPath().getString("file"));
        byte[] bytes = Files.readAllBytes(file);
        int middle = bytes.length / 2;
        bytes[middle] ^= 0x01;
        Files.write(file, bytes);
        Map<String, String> withKey = Map.of("identity", EncryptionKeyResource.identity());

        authorized().contentType("application/json").body(withKey).post("/api/backups/" + id + "/verify").then().statusCode(422)
                .body("checksumOk", equalTo(false)).body("error", containsString("checksum mismatch"));

        // Someone who can also rewrite the metadata: the checksum matches, the age authentication still fails.
        Path metadataFile = postgres.backupDir().resolve(id + ".json");
        ObjectNode tree = (ObjectNode) json.readTree(metadataFile.toFile());
        tree.put("sha256", Checksums.sha256(file));
        json.writeValue(metadataFile.toFile(), tree);
        authorized().contentType("application/json").body(withKey).post("/api/backups/" + id + "/verify").then().statusCode(422)
                .body("checksumOk", equalTo(true)).body("ok", equalTo(false)).body("error", containsString("nothing was changed"));
        authorized().contentType("application/json")
                .body(Map.of("database", "from_tampered", "confirm", "from_tampered", "identity", EncryptionKeyResource.identity()))
                .post("/api/backups/" + id + "/restore").then().statusCode(422);
        assertFalse(postgres.databaseExists("from_tampered"), "nothing restored from a tampered file");
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'backup_verify_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "scratch databases dropped");
        }
        ReliabilityReport.record("backup-service: tampered encrypted backup (one bit flipped)", "2 verifies, 1 restore",
                "detected every time (checksum, then age authentication)", "none (nothing restored)");
    }
}
