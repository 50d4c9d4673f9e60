package dev.linkstack.backup.restore;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.RestoreRoleResource;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * BACKUP_RESTORE_ROLE: real restores take it (creating a new database for it, and connecting with it for psql), restore
 * tests never do. The role is missing at first, so every step that takes it fails visibly; then it is created.
 */
@QuarkusTest
@QuarkusTestResource(value = RestoreRoleResource.class, restrictToAnnotatedClass = true)
class RestoreRoleTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void realRestoresTakeTheRestoreRoleAndRestoreTestsDoNot() throws Exception {
        String id = Api.backup(null);
        authorized().contentType("application/json").body("{}").post("/api/backups/" + id + "/verify").then()
                .statusCode(200).body("ok", equalTo(true));

        restore(id, "role_copy").then().statusCode(422).body("message", containsString(RestoreRoleResource.ROLE));
        assertFalse(postgres.databaseExists("role_copy"), "nothing left behind");
        postgres.server().execute("postgres", "CREATE DATABASE role_existing OWNER " + TestPostgres.OWNER);
        restore(id, "role_existing").then().statusCode(422).body("message", containsString(RestoreRoleResource.ROLE));

        // A role the service's role may take (a superuser here: it must own what the dump gives to shop_owner).
        postgres.server().execute("postgres", "CREATE ROLE " + RestoreRoleResource.ROLE + " NOLOGIN SUPERUSER",
                "GRANT " + RestoreRoleResource.ROLE + " TO " + TestPostgres.OWNER);
        restore(id, "role_copy").then().statusCode(200).body("createdDatabase", equalTo(true));
        restore(id, "role_existing").then().statusCode(200).body("createdDatabase", equalTo(false));
        assertEquals(postgres.snapshot(TestPostgres.DATABASE), postgres.snapshot("role_copy"));
        try (Connection connection = postgres.connect("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'role_copy'")) {
            rs.next();
            assertEquals(RestoreRoleResource.ROLE, rs.getString(1), "the new database was created for the restore role");
        }
    }

    private static Response restore(String id, String database) {
        return authorized().contentType("application/json")
                .body("{\"database\":\"" + database + "\",\"confirm\":\"" + database + "\"}")
                .post("/api/backups/" + id + "/restore");
    }
}
