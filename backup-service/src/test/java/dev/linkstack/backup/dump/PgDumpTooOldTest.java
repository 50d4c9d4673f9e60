package dev.linkstack.backup.dump;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.Postgres16Resource;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pg_dump 15 against a PostgreSQL 16 server: refused up front with a clear reason, visible in readiness. */
@QuarkusTest
@QuarkusTestResource(value = Postgres16Resource.class, restrictToAnnotatedClass = true)
class PgDumpTooOldTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void readinessReportsTheIncompatiblePgDump() {
        RestAssured.get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'target-database' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'pg_dump' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'pg_dump' }.data.error", startsWith("pg_dump 15 is older than the server (PostgreSQL 16): no pg_dump 16 or newer"));
    }

    @Test
    void aBackupFailsWithAClearMessageAndWritesNothing() {
        Api.awaitJob(Api.trigger(null)).then()
                .body("state", equalTo("FAILED"))
                .body("error", containsString("pg_dump 15 is older than the server (PostgreSQL 16)"))
                .body("error", containsString("BACKUP_PG_BIN_DIR"));
        assertEquals(0, Api.authorized().get("/api/backups").jsonPath().getList("id").size());
        assertTrue(postgres.backupDirListing().stream().noneMatch(name -> name.startsWith("shop")), postgres.backupDirListing().toString());
    }
}
