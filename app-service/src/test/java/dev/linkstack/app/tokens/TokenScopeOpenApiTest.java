package dev.linkstack.app.tokens;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks every operation of the app's own OpenAPI document with API tokens of the admin, so an endpoint added without
 * a scope rule fails here: with a read token every non-GET {@code /api} operation is a JSON 403 and every GET answers
 * (the admin's only with a full token); with a full token no operation is refused for its scope except those kept
 * for sessions; outside {@code /api} a token changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class TokenScopeOpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    /** Kept for signed-in sessions on purpose (no token mints tokens). */
    private static final Set<String> SESSIONS_ONLY = Set.of("POST /api/tokens");
    private static final Set<String> SCOPE_REFUSALS = Set.of("insufficient_scope", "session_required");

    @Test
    void aReadTokenGetsEveryGetAndIsRefusedEveryChange() {
        Api.Client admin = Api.newAdmin();
        String code = Api.createLink(admin, "https://example.org/walked-by-read");
        String token = token(admin, "read");
        String spareTokenId = String.valueOf(admin.request().body(Map.of("name", "spare")).post("/api/tokens").then().statusCode(201).extract().<Integer>path("id"));
        String otherUser = Api.newUser().username();
        long linksBefore = Db.number("SELECT count(*) FROM links");
        long tokensBefore = Db.number("SELECT count(*) FROM api_tokens");

        List<String> problems = new ArrayList<>();
        List<String> walked = operations();
        for (String operation : walked) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = concrete(operation.substring(operation.indexOf(' ') + 1), code, spareTokenId, otherUser);
            Response withToken = send(withBearer(token), method, path);
            int status = withToken.statusCode();
            if (!path.startsWith("/api/")) {
                int anonymous = send(RestAssured.given().redirects().follow(false), method, path).statusCode();
                if (status != anonymous) {
                    problems.add(operation + ": " + status + " with a read token, " + anonymous + " without");
                }
            } else if (method.equals("GET") && !path.startsWith("/api/admin/")) {
                if (status == 403 || status >= 500) {
                    problems.add(operation + ": " + status + " " + withToken.asString());
                }
            } else if (status != 403 || !withToken.contentType().startsWith("application/json")
                    || !SCOPE_REFUSALS.contains(withToken.jsonPath().getString("error"))
                    || !withToken.jsonPath().getString("message").matches(".*(scope (create|full)|sign in|session).*")) {
                problems.add(operation + ": " + status + " " + withToken.asString());
            }
        }
        assertEquals(List.of(), problems, "walked " + walked);
        assertTrue(walked.containsAll(List.of("POST /api/links", "DELETE /api/links/{code}", "GET /api/links", "POST /api/tokens",
                "DELETE /api/admin/links/{code}")), "the document lists the API: " + walked);
        assertEquals(linksBefore, Db.number("SELECT count(*) FROM links"), "no link created or deleted");
        assertEquals(tokensBefore, Db.number("SELECT count(*) FROM api_tokens"), "no token created or revoked");
    }

    @Test
    void aFullTokenIsRefusedForItsScopeNowhereButWhereSessionsAreRequired() {
        Api.Client admin = Api.newAdmin();
        String code = Api.createLink(admin, "https://example.org/walked-by-full");
        String token = token(admin, "full");
        String spareTokenId = String.valueOf(admin.request().body(Map.of("name", "spare")).post("/api/tokens").then().statusCode(201).extract().<Integer>path("id"));
        String otherUser = Api.newUser().username();

        List<String> problems = new ArrayList<>();
        for (String operation : operations()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = concrete(operation.substring(operation.indexOf(' ') + 1), code, spareTokenId, otherUser);
            Response response = send(withBearer(token), method, path);
            boolean refusedForScope = response.statusCode() == 403 && response.contentType().startsWith("application/json")
                    && SCOPE_REFUSALS.contains(response.jsonPath().getString("error"));
            if (refusedForScope != SESSIONS_ONLY.contains(operation) || response.statusCode() >= 500) {
                problems.add(operation + ": " + response.statusCode() + " " + response.asString());
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Every operation of the document as "METHOD /path/{param}". */
    @SuppressWarnings("unchecked")
    private static List<String> operations() {
        Map<String, Map<String, Object>> paths = RestAssured.given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        List<String> operations = new ArrayList<>();
        paths.forEach((path, item) -> item.keySet().stream().filter(METHODS::contains).sorted()
                .forEach(method -> operations.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path)));
        return operations;
    }

    private static String concrete(String path, String code, String tokenId, String username) {
        return path.replace("{code}", code).replace("{id}", tokenId).replace("{username}", username).replaceAll("\\{[^}]+}", "1");
    }

    private static Response send(RequestSpecification request, String method, String path) {
        RequestSpecification sent = request.header("X-Forwarded-For", "198.51.100.78");
        if (!method.equals("GET") && !method.equals("DELETE")) {
            sent = sent.contentType("application/json").body("{}");
        }
        return sent.request(method, path);
    }

    private static RequestSpecification withBearer(String token) {
        return RestAssured.given().redirects().follow(false).header("Authorization", "Bearer " + token);
    }


    private static String token(Api.Client owner, String scope) {
        return owner.request().body(Map.of("name", "walk " + scope, "scope", scope)).post("/api/tokens")
                .then().statusCode(201).extract().path("token");
    }
}
