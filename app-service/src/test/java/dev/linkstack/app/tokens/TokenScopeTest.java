package dev.linkstack.app.tokens;

import dev.linkstack.app.session.Secrets;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What each token scope may do on representative endpoints; sessions stay unlimited. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class TokenScopeTest {

    @Test
    void aReadTokenReadsButChangesNothing() {
        Api.Client owner = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/read-scope");
        var read = create(owner, "reader", "read");
        String token = read.path("token");

        bearer(token).get("/api/auth/me").then().statusCode(200).body("authMethod", equalTo("token")).body("scope", equalTo("read"));
        bearer(token).get("/api/links").then().statusCode(200).body("items", hasSize(1));
        bearer(token).get("/api/links/" + code).then().statusCode(200);
        bearer(token).get("/api/links/" + code + "/stats").then().statusCode(200);
        bearer(token).get("/api/tokens").then().statusCode(200).body("[0].scope", equalTo("read"));

        refused(bearer(token).body(Map.of("url", "https://example.org/new")).post("/api/links"), "create or full");
        refused(bearer(token).body(Map.of("url", "https://example.org/changed")).patch("/api/links/" + code), "full");
        refused(bearer(token).delete("/api/links/" + code), "full");
        refused(bearer(token).delete("/api/tokens/" + read.<Integer>path("id")), "full");
        bearer(token).body(Map.of("name", "successor")).post("/api/tokens")
                .then().statusCode(403).contentType(ContentType.JSON).body("error", equalTo("session_required"));

        owner.request().get("/api/links/" + code).then().statusCode(200).body("url", equalTo("https://example.org/read-scope"));
        owner.request().get("/api/tokens").then().body("", hasSize(1));
        // A hand-made post without a scope gets the least.
        Forms.csrf("/settings/tokens", owner.sessionCookie()).post("/settings/tokens", Map.of("name", "no scope"), null).then().statusCode(201);
        owner.request().get("/api/tokens").then().body("", hasSize(2)).body("[0].name", equalTo("no scope")).body("[0].scope", equalTo("read"));
    }

    @Test
    void aCreateTokenShortensLinksButCannotChangeOrDeleteThem() {
        Api.Client owner = Api.newUser();
        String token = create(owner, "shortener", "create").path("token");
        String code = bearer(token).body(Map.of("url", "https://example.org/created")).post("/api/links")
                .then().statusCode(201).extract().path("code");
        bearer(token).get("/api/links/" + code).then().statusCode(200);
        refused(bearer(token).body(Map.of("url", "https://example.org/changed")).patch("/api/links/" + code), "full");
        refused(bearer(token).delete("/api/links/" + code), "full");
        bearer(token).body(Map.of("name", "successor")).post("/api/tokens").then().statusCode(403).body("error", equalTo("session_required"));
        owner.request().get("/api/links/" + code).then().statusCode(200).body("url", equalTo("https://example.org/created"));
    }

    @Test
    void aFullTokenChangesDeletesAndRevokesButMintsNoTokens() {
        Api.Client owner = Api.newUser();
        var full = create(owner, "everything", "full");
        String token = full.path("token");
        String code = Api.createLink(owner, "https://example.org/full-scope");
        bearer(token).body(Map.of("url", "https://example.org/changed")).patch("/api/links/" + code).then().statusCode(200);
        bearer(token).delete("/api/links/" + code).then().statusCode(204);
        bearer(token).body(Map.of("name", "successor", "scope", "full")).post("/api/tokens")
                .then().statusCode(403).contentType(ContentType.JSON).body("error", equalTo("session_required"))
                .body("message", containsString("sign in"));
        bearer(token).delete("/api/tokens/" + full.<Integer>path("id")).then().statusCode(204);
        bearer(token).get("/api/auth/me").then().statusCode(401);
    }

    @Test
    void aSessionCookieDoesNotWidenATokenSentAlongside() {
        Api.Client owner = Api.newUser();
        String token = create(owner, "reader", "read").<String>path("token");
        refused(owner.request().header("Authorization", "Bearer " + token).body(Map.of("url", "https://example.org/both")).post("/api/links"),
                "create or full");
        owner.request().body(Map.of("url", "https://example.org/session")).post("/api/links").then().statusCode(201);
    }

    @Test
    void adminEndpointsNeedAFullTokenOfTheAdmin() {
        Api.Client admin = Api.newAdmin();
        refused(bearer(create(admin, "admin reader", "create").<String>path("token")).get("/api/admin/users"), "full");
        bearer(create(admin, "admin full", "full").<String>path("token")).get("/api/admin/users").then().statusCode(200);
        Api.Client user = Api.newUser();
        bearer(create(user, "not admin", "full").<String>path("token")).get("/api/admin/users").then().statusCode(403).body("error", equalTo("forbidden"));
    }

    @Test
    void theScopeDefaultsToFullIsListedAndAnUnknownOneIs400() {
        Api.Client owner = Api.newUser();
        owner.request().body(Map.of("name", "old script")).post("/api/tokens").then().statusCode(201).body("scope", equalTo("full"));
        owner.request().body(Map.of("name", "counter", "scope", "create")).post("/api/tokens").then().statusCode(201).body("scope", equalTo("create"));
        owner.request().get("/api/tokens").then().statusCode(200).body("", hasSize(2))
                .body("[0].scope", equalTo("create")).body("[1].scope", equalTo("full"));
        for (String unknown : new String[] {"admin", "READ", "read "}) {
            owner.request().body(Map.of("name", "bad", "scope", unknown)).post("/api/tokens").then().statusCode(400)
                    .contentType(ContentType.JSON).body("status", equalTo(400)).body("error", equalTo("bad_request"))
                    .body("message", equalTo("scope must be one of read, create, full"));
        }
        owner.request().get("/api/tokens").then().body("", hasSize(2));
        owner.request().get("/api/auth/me").then().statusCode(200).body("authMethod", equalTo("session")).body("scope", nullValue());
    }

    @Test
    void aTokenFromBeforeScopesIsFull() {
        Api.Client owner = Api.newUser();
        long userId = Db.number("SELECT id FROM users WHERE username = ?", owner.username());
        String secret = TokenService.TOKEN_PREFIX + Secrets.random(32);
        // The insert an instance without scopes does: the column's default applies, as it did to existing rows.
        RealServers.postgres().execute(RealServers.DB_NAME, "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES ("
                + userId + ", 'legacy', '" + Secrets.sha256Hex(secret) + "', '" + secret.substring(0, 12) + "', now())");
        String code = Api.createLink(owner, "https://example.org/legacy");
        bearer(secret).get("/api/auth/me").then().statusCode(200).body("scope", equalTo("full"));
        bearer(secret).delete("/api/links/" + code).then().statusCode(204);
    }

    @Test
    void theTokensPageCreatesATokenWithThePickedScopeAndListsIt() {
        Api.Client owner = Api.newUser();
        String page = RestAssured.given().cookie("linkstack_session", owner.sessionCookie()).get("/settings/tokens")
                .then().statusCode(200).extract().asString();
        // Where a person picks, the least scope is preselected.
        assertEquals(1, page.split("<option value=\"read\" selected>", -1).length - 1, page);
        Forms.csrf("/settings/tokens", owner.sessionCookie())
                .post("/settings/tokens", Map.of("name", "from the page", "scope", "create"), null)
                .then().statusCode(201).body(containsString("<td class=\"token-scope\">create</td>"));
        owner.request().get("/api/tokens").then().body("", hasSize(1)).body("[0].scope", equalTo("create"));
        Forms.csrf("/settings/tokens", owner.sessionCookie())
                .post("/settings/tokens", Map.of("name", "bad", "scope", "root"), null)
                .then().statusCode(400).body(containsString("id=\"scope-error\">scope must be one of read, create, full"));
        owner.request().get("/api/tokens").then().body("", hasSize(1));
        // A hand-made post without a scope gets the least.
        Forms.csrf("/settings/tokens", owner.sessionCookie()).post("/settings/tokens", Map.of("name", "no scope"), null).then().statusCode(201);
        owner.request().get("/api/tokens").then().body("", hasSize(2)).body("[0].name", equalTo("no scope")).body("[0].scope", equalTo("read"));
    }

    /** The gate goes by the endpoint a request reaches, not by how its path is spelled. */
    @Test
    void aTokenIsHeldToItsScopeHoweverThePathIsSpelled() throws IOException {
        Api.Client owner = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/spelled");
        String token = create(owner, "reader", "read").path("token");
        for (String path : List.of("/./api/links/", "//api/links/", "/api/./links/", "/x/../api/links/", "/api//links/")) {
            String statusLine = rawRequest("DELETE", path + code, token);
            assertFalse(statusLine.contains(" 204 ") || statusLine.contains(" 200 "), path + code + " answered " + statusLine);
        }
        owner.request().get("/api/links/" + code).then().statusCode(200);
    }

    /** A request sent as written: HTTP clients tidy dot segments and doubled slashes before sending. */
    private static String rawRequest(String method, String path, String token) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static ExtractableResponse<Response> create(Api.Client owner, String name, String scope) {
        return owner.request().body(Map.of("name", name, "scope", scope)).post("/api/tokens")
                .then().statusCode(201).body("scope", equalTo(scope)).extract();
    }

    private static void refused(Response response, String scopesNamed) {
        response.then().statusCode(403).contentType(ContentType.JSON).body("status", equalTo(403))
                .body("error", equalTo("insufficient_scope"))
                .body("message", containsString("needs an API token with scope " + scopesNamed + ";"))
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\", scope=\"" + scopesNamed.split(" ")[0] + "\""))
                .body(not(containsString("Exception")));
    }

    private static RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }
}
