package dev.linkstack.app.web;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whatever a client sends, the answer is a 4xx with a JSON body, never a 500 or a stack trace. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class BadInputTest {

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL base;

    @Test
    void malformedAndMisshapenJson() {
        Api.Client client = Api.newUser();
        jsonError(client.request().body("{\"url\": ").post("/api/links"), 400);
        jsonError(client.request().body("not json at all").post("/api/links"), 400);
        jsonError(client.request().body("[]").post("/api/links"), 400);
        jsonError(client.request().body("{\"url\": {\"nested\": true}}").post("/api/links"), 400);
        jsonError(client.request().body("{\"url\": \"https://example.org\", \"colour\": \"red\"}").post("/api/links"), 400)
                .body("message", containsString("colour"));
        jsonError(client.request().body("{\"url\": \"https://example.org\", \"expiresAt\": 12}").post("/api/links"), 400);
        jsonError(client.request().body("").post("/api/links"), 400);
        jsonError(RestAssured.given().contentType(ContentType.JSON).body("{\"username\":").post("/api/auth/login"), 400);
        jsonError(RestAssured.given().contentType(ContentType.JSON).body("null").post("/api/auth/register"), 400);
    }

    @Test
    void oversizeBodiesAre413() throws java.io.IOException {
        Api.Client client = Api.newUser();
        String huge = "{\"url\": \"https://example.org/" + "a".repeat(20_000) + "\"}";
        jsonError(client.request().body(huge).post("/api/links"), 413);
        // A client announcing 2 MB is answered before it sends them (writing the body would race the refusal).
        assertEquals("HTTP/1.1 413", statusLine("POST /api/auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2000000\r\n\r\n").substring(0, 12));
    }

    @Test
    void wrongMediaTypeMethodAndPath() {
        Api.Client client = Api.newUser();
        jsonError(client.request().contentType(ContentType.TEXT).body("url=https://example.org").post("/api/links"), 415);
        jsonError(client.request().put("/api/links"), 405);
        jsonError(RestAssured.given().get("/api/no/such/path"), 404);
        jsonError(client.request().get("/api/links/does-not-exist"), 404);
        jsonError(client.request().get("/api/links/does-not-exist/stats"), 404);
        jsonError(client.request().delete("/api/tokens/99999999"), 404);
    }

    @Test
    void hostileStringsAreRefusedOrStoredVerbatimNeverExecuted() {
        Api.Client client = Api.newUser();
        jsonError(client.request().body("{\"url\": \"https://example.org\", \"code\": \"x'; DROP TABLE links; --\"}").post("/api/links"), 400);
        jsonError(client.request().body("{\"url\": \"https://example.org\", \"code\": \"../../etc\"}").post("/api/links"), 400);
        String url = "https://example.org/?q=%27%3B%20DROP%20TABLE%20links%3B";
        String code = Api.createLink(client, url);
        Api.redirect(code).then().statusCode(302).header("Location", equalTo(url));
        client.request().queryParam("q", "'; DROP TABLE links; --").get("/api/links").then().statusCode(200).body("total", equalTo(0));
        jsonError(RestAssured.given().contentType(ContentType.JSON).body("{\"username\": \"a\\u0000b\", \"password\": \"longenough\"}")
                .post("/api/auth/register"), 400);
    }

    private String statusLine(String requestHead) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requestHead.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static ValidatableResponse jsonError(io.restassured.response.Response response, int status) {
        return response.then().statusCode(status).contentType(ContentType.JSON)
                .body("status", equalTo(status)).body("error", notNullValue()).body("message", notNullValue())
                .body(not(containsString("Exception"))).body(not(containsString("\tat ")));
    }
}
