package dev.linkstack.app.tokens;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class TokenApiTest {

    @Test
    void aTokenIsShownOnceStoredHashedAndWorksWhereASessionWorks() {
        Api.Client owner = Api.newUser();
        var created = owner.request().body(Map.of("name", "deploy script")).post("/api/tokens")
                .then().statusCode(201).body("token", startsWith("lsk_")).body("name", equalTo("deploy script"))
                .header("Location", notNullValue()).extract();
        String token = created.path("token");
        int id = created.path("id");

        owner.request().get("/api/tokens").then().statusCode(200).body("", hasSize(1))
                .body("[0].id", equalTo(id)).body("[0]", not(hasKey("token"))).body("[0].prefix", equalTo(token.substring(0, 12)));
        assertEquals(0, Db.number("SELECT count(*) FROM api_tokens WHERE token_hash = ?", token), "the token itself is never stored");
        assertEquals(1, Db.number("SELECT count(*) FROM api_tokens WHERE id = ?", (long) id));

        bearer(token).get("/api/auth/me").then().statusCode(200).body("username", equalTo(owner.username())).body("authMethod", equalTo("token"));
        String code = bearer(token).body(Map.of("url", "https://example.org/via-token")).post("/api/links").then().statusCode(201).extract().path("code");
        owner.request().get("/api/links/" + code).then().statusCode(200);

        owner.request().delete("/api/tokens/" + id).then().statusCode(204);
        bearer(token).get("/api/auth/me").then().statusCode(401);
        owner.request().delete("/api/tokens/" + id).then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void tokensOfOthersCannotBeSeenOrRevoked() {
        Api.Client owner = Api.newUser();
        Api.Client other = Api.newUser();
        int id = owner.request().body(Map.of("name", "mine")).post("/api/tokens").then().statusCode(201).extract().path("id");
        other.request().get("/api/tokens").then().statusCode(200).body("", hasSize(0));
        other.request().delete("/api/tokens/" + id).then().statusCode(404);
        owner.request().get("/api/tokens").then().body("", hasSize(1));
    }

    @Test
    void badTokenRequestsAre400Or404() {
        Api.Client owner = Api.newUser();
        owner.request().body(Map.of("name", "")).post("/api/tokens").then().statusCode(400).body("error", equalTo("bad_request"));
        owner.request().body(Map.of("name", "x".repeat(101))).post("/api/tokens").then().statusCode(400);
        owner.request().body(Map.of("name", "n", "expiresInDays", 0)).post("/api/tokens").then().statusCode(400);
        owner.request().body(Map.of("name", "n", "expiresInDays", "soon")).post("/api/tokens").then().statusCode(400);
        owner.request().delete("/api/tokens/not-a-number").then().statusCode(404);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("name", "anon")).post("/api/tokens").then().statusCode(401);
    }

    @Test
    void anExpiredTokenIsRefused() {
        Api.Client owner = Api.newUser();
        String token = owner.request().body(Map.of("name", "short-lived", "expiresInDays", 1)).post("/api/tokens")
                .then().statusCode(201).body("expiresAt", notNullValue()).extract().path("token");
        bearer(token).get("/api/auth/me").then().statusCode(200);
        RealServers.postgres().execute(RealServers.DB_NAME, "UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE prefix = '" + token.substring(0, 12) + "'");
        bearer(token).get("/api/auth/me").then().statusCode(401);
    }

    private static io.restassured.specification.RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }
}
