package dev.linkstack.backup.dump;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.HungPgDumpallResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pg_dumpall that never ends is killed at the configured timeout (PT5S here); the job fails and a new one can start. */
@QuarkusTest
@QuarkusTestResource(value = HungPgDumpallResource.class, restrictToAnnotatedClass = true)
class HungPgDumpallTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void aHungPgDumpallIsKilledAtTheTimeoutAndTheRunFailsCleanly() throws IOException {
        Instant started = Instant.now();
        Response job = Api.awaitJob(Api.trigger(null));
        Duration took = Duration.between(started, Instant.now());
        job.then().body("state", equalTo("FAILED"))
                .body("error", containsString("pg_dumpall --globals-only did not finish within PT5S and was stopped"));
        assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "stopped at the timeout, not after the sleep: " + took);
        try (Stream<Path> files = Files.walk(postgres.backupDir())) {
            assertTrue(files.noneMatch(file -> file.getFileName().toString().endsWith(".partial")), "no partial file left");
        }
        // The lock was released: the next run starts (and fails the same way).
        Api.awaitJob(Api.trigger(null)).then().body("state", equalTo("FAILED"));
    }
}
