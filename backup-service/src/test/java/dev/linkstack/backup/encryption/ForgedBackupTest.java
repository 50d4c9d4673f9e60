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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An attacker who can write the backup folder and knows the public key (it is public) replaces an encrypted dump with
 * one of their own and rewrites its checksum and row counts: age alone accepts it; the service's signature does not.
 */
@QuarkusTest
@TestProfile(ForgedBackupTest.Signed.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EncryptionKeyResource.class, restrictToAnnotatedClass = true)
class ForgedBackupTest {

    public static class Signed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.encryption.signing-key", "test-signing-key-0123456789abcdef0123456789");
        }
    }

    @InjectPostgres
    TestPostgres postgres;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aDumpEncryptedToThePublicKeyWithARewrittenChecksumIsRefused() throws Exception {
        String id = Api.backup(null);
        Map<String, String> withKey = Map.of("identity", EncryptionKeyResource.identity());
        authorized().contentType("application/json").body(withKey).post("/api/backups/" + id + "/verify").then().statusCode(200)
                .body("ok", equalTo(true));

        // The attacker's dump, encrypted to the service's public recipient, then the metadata made to match it.
        Response metadata = authorized().get("/api/backups/" + id);
        Path file = postgres.backupDir().resolve(metadata.jsonPath().getString("file"));
        try (OutputStream out = new GZIPOutputStream(AgeEncryption.encrypting(Files.newOutputStream(file), EncryptionKeyResource.recipient()))) {
            out.write("CREATE TABLE forged_by_attacker (id int);\n".getBytes(StandardCharsets.UTF_8));
        }
        Path metadataFile = postgres.backupDir().resolve(id + ".json");
        ObjectNode tree = (ObjectNode) json.readTree(metadataFile.toFile());
        tree.put("sha256", Checksums.sha256(file));
        tree.put("sizeBytes", Files.size(file));
        tree.putArray("tableRows").addObject().put("schema", "public").put("table", "forged_by_attacker").put("rows", 0);
        tree.remove("lastVerification");
        json.writeValue(metadataFile.toFile(), tree);

        Response verify = authorized().contentType("application/json").body(withKey).post("/api/backups/" + id + "/verify");
        Response restore = authorized().contentType("application/json")
                .body(Map.of("database", "from_forged", "confirm", "from_forged", "identity", EncryptionKeyResource.identity()))
                .post("/api/backups/" + id + "/restore");
        boolean restored = postgres.databaseExists("from_forged") && tableExists("from_forged", "forged_by_attacker");
        int accepted = (verify.statusCode() == 200 ? 1 : 0) + (restore.statusCode() == 200 ? 1 : 0);
        ReliabilityReport.record("backup-service: forged encrypted backup (own dump encrypted to the public key, checksum rewritten)",
                "1 verify, 1 restore", accepted + " of 2 accepted", restored ? "the attacker's SQL ran in a restore" : "none (nothing restored)");

        verify.then().statusCode(422).body("ok", equalTo(false)).body("error", containsString("forged"));
        restore.then().statusCode(422).body("error", equalTo("restore_failed")).body("message", containsString("forged"));
        assertFalse(restored, "nothing of the forged dump was restored");
    }

    private boolean tableExists(String database, String table) throws Exception {
        try (Connection connection = postgres.connectAsSuperuser(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }
}
