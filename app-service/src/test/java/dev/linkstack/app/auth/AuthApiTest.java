package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class AuthApiTest {

    @Test
    void theFirstAccountIsTheOnlyAdminAndCanListUsers() {
        Api.newUser();
        Api.Client later = Api.newUser();
        later.request().get("/api/auth/me").then().statusCode(200).body("role", equalTo("user"));
        List<String> roles = Db.column("SELECT role FROM users ORDER BY id");
        assertEquals("admin", roles.get(0));
        assertTrue(roles.subList(1, roles.size()).stream().allMatch("user"::equals), roles.toString());

        String adminName = Db.column("SELECT username FROM users ORDER BY id LIMIT 1").get(0);
        Api.Client admin = new Api.Client(adminName, Api.login(adminName, Api.PASSWORD));
        int listed = admin.request().get("/api/admin/users").then().statusCode(200).extract().path("size()");
        assertTrue(listed >= roles.size(), "admin sees every user");
    }

    @Test
    void registerValidatesAndRefusesDuplicates() {
        String name = Api.uniqueName("dup");
        Api.register(name, Api.PASSWORD).then().statusCode(201).body("username", equalTo(name)).body("password", equalTo(null));
        Api.register(name.toUpperCase(), Api.PASSWORD).then().statusCode(409).body("error", equalTo("conflict"));
        Api.register("ab", Api.PASSWORD).then().statusCode(400).body("message", containsString("Username"));
        Api.register("bad name!", Api.PASSWORD).then().statusCode(400);
        Api.register(Api.uniqueName("short"), "1234567").then().statusCode(400).body("message", containsString("at least 8"));
        Api.register(Api.uniqueName("long"), "x".repeat(73)).then().statusCode(400).body("message", containsString("72 bytes"));
    }

    @Test
    void passwordsAreStoredAsBcrypt() {
        String name = Api.uniqueName("hash");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String stored = Db.column("SELECT password_hash FROM users WHERE username = ?", name).get(0);
        assertTrue(stored.startsWith("$2"), "bcrypt hash expected, got " + stored);
        assertFalse(stored.contains(Api.PASSWORD));
    }

    @Test
    void loginSetsAHardenedSessionCookieAndMeAnswers() {
        String name = Api.uniqueName("login");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String setCookie = RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", Api.PASSWORD))
                .post("/api/auth/login").then().statusCode(200).body("username", equalTo(name)).extract().header("Set-Cookie");
        assertTrue(setCookie.startsWith("linkstack_session="), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        assertFalse(setCookie.contains("Secure"), "tests run the %test profile, where Secure is off: " + setCookie);
        String session = setCookie.substring("linkstack_session=".length(), setCookie.indexOf(';'));
        RestAssured.given().cookie("linkstack_session", session).get("/api/auth/me")
                .then().statusCode(200).body("username", equalTo(name)).body("authMethod", equalTo("session"));
    }

    @Test
    void wrongCredentialsGet401WithoutTellingWhichPartWasWrong() {
        String name = Api.uniqueName("wrong");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String unknownUser = RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", "nobody-" + name, "password", Api.PASSWORD))
                .post("/api/auth/login").then().statusCode(401).body("error", equalTo("invalid_credentials")).extract().path("message");
        String wrongPassword = RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "wrong-password"))
                .post("/api/auth/login").then().statusCode(401).extract().path("message");
        assertEquals(unknownUser, wrongPassword);
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/api/auth/login").then().statusCode(400);
    }

    @Test
    void sessionsLiveInRedisWithAnIdleTtlAndLogoutEndsThem() {
        Api.Client client = Api.newUser();
        String keys = RealServers.redis().cli("--scan", "--pattern", "session:*");
        assertFalse(keys.isBlank(), "session keys expected in Redis");
        // The raw cookie value is never a key: Redis only sees its digest.
        assertFalse(keys.contains(client.sessionCookie()));
        String someKey = keys.lines().findFirst().orElseThrow();
        long ttl = Long.parseLong(RealServers.redis().cli("TTL", someKey));
        assertTrue(ttl > 0 && ttl <= 12 * 3600, "idle TTL expected, got " + ttl);

        client.request().get("/api/auth/me").then().statusCode(200);
        String cleared = client.request().post("/api/auth/logout").then().statusCode(204).extract().header("Set-Cookie");
        assertTrue(cleared.contains("Max-Age=0"), cleared);
        client.request().get("/api/auth/me").then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void aSessionRemovedFromRedisNoLongerWorks() {
        Api.Client client = Api.newUser();
        client.request().get("/api/links").then().statusCode(200);
        RealServers.redis().cli("EVAL", "for _, k in ipairs(redis.call('KEYS', 'session:*')) do redis.call('DEL', k) end", "0");
        client.request().get("/api/links").then().statusCode(401);
    }

    @Test
    void garbageCookiesAndTokensAreUnauthorized() {
        RestAssured.given().cookie("linkstack_session", "not-a-session").get("/api/auth/me").then().statusCode(401);
        RestAssured.given().header("Authorization", "Bearer lsk_not-a-token").get("/api/auth/me").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        RestAssured.given().get("/api/auth/me").then().statusCode(401).body("status", equalTo(401));
    }

    @Test
    void adminEndpointsRefuseOrdinaryUsers() {
        Api.Client user = Api.newUser();
        user.request().get("/api/admin/users").then().statusCode(403).body("error", equalTo("forbidden"))
                .body(not(containsString(Api.PASSWORD)));
        RestAssured.given().get("/api/admin/users").then().statusCode(401);
    }
}
