package dev.linkstack.backup.jobs;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run over every database of a server whose names slug alike or break a JDBC URL or a libpq conninfo: each one
 * is backed up under its own id, with its row counts, and restores.
 */
@QuarkusTest
@TestProfile(DatabaseNamesTest.EveryDatabase.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class DatabaseNamesTest {
    /** Name and how many rows its table holds, so a restore of the wrong database shows. */
    private static final Map<String, Integer> DATABASES = new LinkedHashMap<>();

    static {
        DATABASES.put("Shop", 2);
        DATABASES.put("a-b", 3);
        DATABASES.put("a_b", 4);
        DATABASES.put("q?x=y&z", 5);
        DATABASES.put("50% off/now", 6);
        DATABASES.put("it's", 7);
    }

    public static class EveryDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.databases", "*", "backup.compression", "custom");
        }
    }

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void everyDatabaseGetsItsOwnBackupAndRestores() throws SQLException {
        for (Map.Entry<String, Integer> database : DATABASES.entrySet()) {
            String quoted = "\"" + database.getKey().replace("\"", "\"\"") + "\"";
            try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + quoted + " OWNER " + TestPostgres.OWNER);
            }
            try (Connection connection = connectAsSuperuser(database.getKey()); Statement statement = connection.createStatement()) {
                statement.execute("SET ROLE " + TestPostgres.OWNER);
                statement.execute("CREATE TABLE t (id int PRIMARY KEY)");
                statement.execute("INSERT INTO t SELECT generate_series(1, " + database.getValue() + ")");
            }
        }

        Response job = Api.awaitJob(Api.trigger(null));
        Response backups = authorized().get("/api/backups");
        List<String> backedUp = backups.jsonPath().getList("database");
        int missing = (int) DATABASES.keySet().stream().filter(name -> !backedUp.contains(name)).count()
                + (backedUp.contains(TestPostgres.DATABASE) ? 0 : 1);
        ReliabilityReport.record("backup-service: multi-database run over names that slug alike or break a URL",
                "1 run over " + (DATABASES.size() + 1) + " databases (Shop/shop, a-b/a_b, ?, %, /, ')", missing + " not backed up",
                missing == 0 ? "none" : missing + " database(s) without a backup");
        assertEquals("SUCCEEDED", job.jsonPath().getString("state"), job.asString());
        assertEquals(0, missing, "every database is backed up: " + backedUp);
        List<String> ids = backups.jsonPath().getList("id");
        assertEquals(ids.size(), new HashSet<>(ids).size(), "distinct ids: " + ids);

        for (Map.Entry<String, Integer> database : DATABASES.entrySet()) {
            String id = backups.jsonPath().getString("find { it.database == \"" + database.getKey().replace("\"", "\\\"") + "\" }.id");
            assertNotNull(id, database.getKey());
            JsonPath metadata = authorized().get("/api/backups/" + id).then().statusCode(200).extract().jsonPath();
            assertEquals(List.of(database.getValue()), metadata.getList("tableRows.rows"), "row counts taken in " + database.getKey());
            Response verify = authorized().post("/api/backups/" + id + "/verify");
            assertEquals(200, verify.statusCode(), database.getKey() + ": " + verify.asString());
            assertTrue(verify.jsonPath().getBoolean("ok"), database.getKey() + ": " + verify.asString());
            assertEquals(List.of(database.getValue()), verify.jsonPath().getList("tables.rows"), database.getKey() + " restores its own rows");
        }

        // Lose two of them; the run restores each under its own name (a conninfo-looking one included).
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE \"q?x=y&z\" WITH (FORCE)");
            statement.execute("DROP DATABASE \"it's\" WITH (FORCE)");
        }
        String runId = authorized().get("/api/backups/runs").jsonPath().getString("[0].runId");
        authorized().contentType("application/json").body(Map.of("confirm", runId)).post("/api/backups/runs/" + runId + "/restore")
                .then().statusCode(200);
        for (String name : List.of("q?x=y&z", "it's")) {
            try (Connection connection = connectAsSuperuser(name); Statement statement = connection.createStatement();
                 java.sql.ResultSet rs = statement.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertEquals((long) DATABASES.get(name), rs.getLong(1), name + " restored by the run");
            }
        }
    }

    /** The harness puts the name into the URL as it is; these names need URL encoding. */
    private Connection connectAsSuperuser(String database) throws SQLException {
        String url = postgres.server().jdbcUrl("") + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return DriverManager.getConnection(url, PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
    }
}
