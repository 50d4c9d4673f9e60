package dev.linkstack.backup.jobs;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run over two databases with roles: drop a role and a database, restore the run, and both are back. */
@QuarkusTest
@TestProfile(RunsAndGlobalsTest.TwoDatabasesWithGlobals.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class RunsAndGlobalsTest {

    public static class TwoDatabasesWithGlobals implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.databases", "shop,inventory", "backup.globals", "true");
        }
    }

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void aRunRestoresRolesFirstThenEveryDatabase() throws Exception {
        superuser("postgres", "CREATE ROLE reporting LOGIN", "ALTER ROLE " + TestPostgres.OWNER + " CREATEROLE",
                "CREATE DATABASE inventory OWNER " + TestPostgres.OWNER);
        postgres.psql("inventory", "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 3) i;"
                + " GRANT SELECT ON items TO reporting;");
        String shopBefore = postgres.snapshot(TestPostgres.DATABASE);

        Api.backup(null);
        Response runs = authorized().get("/api/backups/runs");
        runs.then().statusCode(200).body("size()", equalTo(1)).body("[0].databases", equalTo(List.of("shop", "inventory")));
        String runId = runs.jsonPath().getString("[0].runId");
        assertNotNull(runs.jsonPath().getString("[0].globalsFile"), runs.asString());
        assertEquals(2, runs.jsonPath().getList("[0].backupIds").size());
        assertTrue(authorized().get("/api/backups").jsonPath().getList("database").contains("inventory"), "one backup per database");

        // Lose the role, the second database and the first one's data.
        superuser("postgres", "DROP DATABASE inventory WITH (FORCE)", "DROP ROLE reporting");
        postgres.psql(TestPostgres.DATABASE, "DELETE FROM orders; DELETE FROM customers;");
        assertFalse(postgres.databaseExists("inventory"));

        authorized().contentType("application/json").body(Map.of("confirm", "run-wrong")).post("/api/backups/runs/" + runId + "/restore")
                .then().statusCode(400).body("error", equalTo("bad_request"));
        authorized().contentType("application/json").body(Map.of("confirm", runId)).post("/api/backups/runs/not-a-run/restore")
                .then().statusCode(400);
        authorized().contentType("application/json").body(Map.of("confirm", runId)).post("/api/backups/runs/" + runId + "/restore")
                .then().statusCode(200).body("globalsRestored", equalTo(true)).body("databases.size()", equalTo(2));

        assertEquals(1, count("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'reporting'"), "role recreated");
        assertEquals(3, count("inventory", "SELECT count(*) FROM items"), "database recreated with its data");
        assertEquals(1, count("inventory", "SELECT has_table_privilege('reporting', 'items', 'SELECT')::int"), "the grant to the recreated role is back");
        assertEquals(shopBefore, postgres.snapshot(TestPostgres.DATABASE), "the first database's data is back");
    }

    private void superuser(String database, String... statements) throws SQLException {
        try (Connection connection = postgres.connectAsSuperuser(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private long count(String database, String sql) throws SQLException {
        try (Connection connection = postgres.connectAsSuperuser(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
