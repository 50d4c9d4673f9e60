package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.EncryptionKeyResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.Postgres17;
import dev.linkstack.backup.testing.S3Resource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.linkstack.backup.pitr.PitrTesting.archiveWhatIsCommitted;
import static dev.linkstack.backup.pitr.PitrTesting.awaitOffsite;
import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.ids;
import static dev.linkstack.backup.pitr.PitrTesting.insertRows;
import static dev.linkstack.backup.pitr.PitrTesting.restoreAndRead;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental base backups with encryption and off-site copies on, on PostgreSQL 17 and S3Proxy: the incremental one is
 * stored encrypted like a full one (taken against the plain copy of its parent's manifest, which stays local), both
 * reach the bucket, and with the local archive gone a restore from the off-site copy combines the decrypted chain and
 * has every committed row. A chain brought back from the bucket has no plain manifest, so no incremental is taken on it.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = DurablePostgresResource.POSTGRES_17, value = "true"),
                @ResourceArg(name = "backup.base.incremental.enabled", value = "true"),
                @ResourceArg(name = "backup.pitr.offsite-every", value = "PT1S")})
@QuarkusTestResource(value = EncryptionKeyResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = S3Resource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalEncryptedOffsiteTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    private static String full;
    private static String incremental;

    @Test
    @Order(1)
    void anIncrementalBaseBackupIsStoredEncryptedAndCopiedOffsiteLikeAFullOne() throws Exception {
        awaitReceiverRunning(receiver);
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pitr_rows (id bigint PRIMARY KEY, note text)");
        }
        full = take().jsonPath().getString("id");
        insertRows(postgres, 1, 60);
        Response taken = take();
        incremental = taken.jsonPath().getString("id");
        taken.then().body("type", equalTo("incremental")).body("parent", equalTo(full));
        assertEquals(Set.of("base.tar.gz.age", "pg_wal.tar.gz.age", "backup_manifest.age"), taken.jsonPath().getMap("files").keySet());
        Path dir = postgres.backupDir().resolve("base").resolve(incremental);
        try (Stream<Path> stored = Files.list(dir)) {
            assertEquals(Set.of("base.tar.gz.age", "pg_wal.tar.gz.age", "backup_manifest.age", IncrementalChains.PLAIN_MANIFEST, "base.json"),
                    stored.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        insertRows(postgres, 61, 90);
        String segment = archiveWhatIsCommitted(postgres, receiver);
        for (String id : List.of(full, incremental)) {
            awaitOffsite("pitr/base/" + id + "/" + BaseBackups.METADATA);
        }
        try (S3Client s3 = S3Resource.client()) {
            assertTrue(s3.listObjectsV2(b -> b.bucket(S3Resource.BUCKET).prefix("shop/pitr/base/")).contents().stream()
                    .noneMatch(o -> o.key().endsWith(IncrementalChains.PLAIN_MANIFEST)), "the plain manifest stays local");
        }
        awaitOffsite("pitr/wal/" + segment + ".gz.age");
    }

    @Test
    @Order(2)
    void withTheLocalArchiveGoneTheChainIsRestoredFromTheOffsiteCopy() throws Exception {
        BaseBackups.deleteTree(postgres.backupDir().resolve("base"));
        Path wal = Path.of(receiver.status().dir());
        try (Stream<Path> files = Files.list(wal)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}\\.gz\\.age")).toList()) {
                awaitOffsite("pitr/wal/" + file.getFileName());
                Files.delete(file);
            }
        }
        String identity = EncryptionKeyResource.identity();
        assertEquals(ids(1, 90), restoreAndRead("{\"target\":\"latest\",\"source\":\"offsite\",\"identity\":\"" + identity + "\"}",
                PostgresServer.at(Postgres17.binDir()).durableWithReplication()), "every committed row");
        authorized().get("/api/pitr/base-backups").then().body("id", equalTo(List.of(incremental, full)));
        authorized().post("/api/pitr/base-backups?type=incremental").then().statusCode(422).body("error", equalTo("incremental_not_possible"))
                .body("message", containsString("not at hand in plain text"));
    }

    private static Response take() {
        return authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201).extract().response();
    }
}
