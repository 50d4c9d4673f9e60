package dev.linkstack.backup.offsite;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.S3Resource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.S3ProxyServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Off-site copies in a real S3-compatible server (S3Proxy): multipart, verified, retained, fetched back. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = S3Resource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OffsiteCopyTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    @Order(1)
    void aBackupIsCopiedInPartsAndCanBeFetchedBackWhenTheLocalCopyIsGone() throws Exception {
        // Random rows that compress poorly, so the dump spans more than one 5 MiB part.
        postgres.psql(TestPostgres.DATABASE, "CREATE TABLE blobs AS SELECT i, md5(random()::text) || md5(random()::text) AS noise FROM generate_series(1, 250000) i;");
        String id = Api.backup(null);
        String file = authorized().get("/api/backups/" + id).jsonPath().getString("file");
        byte[] local = Files.readAllBytes(postgres.backupDir().resolve(file));
        assertTrue(local.length > S3Resource.PART_SIZE, "more than one part: " + local.length);

        authorized().get("/api/backups/offsite").then().statusCode(200).body("[0].id", equalTo(id));
        try (S3Client s3 = S3Resource.client()) {
            assertArrayEquals(local, s3.getObjectAsBytes(b -> b.bucket(S3Resource.BUCKET).key("shop/" + file)).asByteArray(), "stored byte for byte");
        }

        authorized().delete("/api/backups/" + id).then().statusCode(204);
        authorized().get("/api/backups/" + id).then().statusCode(404);
        authorized().post("/api/backups/offsite/" + id + "/fetch").then().statusCode(200).body("id", equalTo(id));
        assertArrayEquals(local, Files.readAllBytes(postgres.backupDir().resolve(file)), "fetched back intact");
        for (String fetched : List.of(file, id + ".json")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(postgres.backupDir().resolve(fetched))), fetched + " is private to the service");
        }
        authorized().post("/api/backups/" + id + "/verify").then().statusCode(200).body("ok", equalTo(true));
        authorized().post("/api/backups/offsite/shop-20200101T000000000Z/fetch").then().statusCode(404);
        authorized().post("/api/backups/offsite/..%2Fx/fetch").then().statusCode(400);
    }

    @Test
    @Order(2)
    void anInterruptedUploadLeavesNoObjectBehind() throws Exception {
        OffsiteStore store = new OffsiteStore(URI.create(S3Resource.server().endpoint()), "us-east-1", S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, true, S3Resource.BUCKET, S3Resource.PART_SIZE);
        // Two parts' worth of data, then the source breaks, as a dying disk or a killed pg_dump pipe would.
        InputStream breaking = new SequenceInputStream(new ByteArrayInputStream(new byte[(int) (2 * S3Resource.PART_SIZE + 100)]), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("source broke mid-upload");
            }
        });
        try (store) {
            assertThrows(IOException.class, () -> store.upload("shop/interrupted.sql.gz", breaking));
            assertFalse(store.list("shop/").contains("shop/interrupted.sql.gz"), "no half object is listed");
        }
        try (Stream<Path> files = Files.walk(S3Resource.server().dataDir())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("interrupted")), "nothing of it is stored either");
        }
        ReliabilityReport.record("backup-service: off-site upload interrupted after 2 uploaded parts", "1 multipart upload",
                "upload aborted, no object listed or stored", "none (local backup untouched)");
    }

    @Test
    @Order(3)
    void offsiteRetentionKeepsItsOwnNumberOfCopies() {
        Api.backup(null);
        Api.backup(null);
        List<String> offsite = authorized().get("/api/backups/offsite").jsonPath().getList("id");
        assertEquals(2, offsite.size(), "keep-last 2 off-site, whatever the local retention keeps: " + offsite);
        assertEquals(3, authorized().get("/api/backups").jsonPath().getList("id").size(), "the local copies are all still there");
    }

    @Test
    @Order(4)
    void aDeadStorageFailsOnlyTheCopyNotTheBackup() {
        S3Resource.server().kill();
        String id = Api.backup(null);
        authorized().get("/api/backups/" + id).then().statusCode(200);
        authorized().get("/api/backups/offsite").then().statusCode(503);
    }
}
