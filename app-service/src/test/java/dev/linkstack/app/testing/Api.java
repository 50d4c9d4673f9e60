package dev.linkstack.app.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Test helpers that talk to the running app the way a client does. */
public final class Api {
    private static final AtomicInteger USERS = new AtomicInteger();
    public static final String PASSWORD = "correct-horse-battery";

    private Api() {
    }

    /** A signed-in user with a fresh, unique name. */
    public record Client(String username, String sessionCookie) {
        public RequestSpecification request() {
            return RestAssured.given().cookie("linkstack_session", sessionCookie).contentType(ContentType.JSON);
        }
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + USERS.incrementAndGet();
    }

    public static Client newUser() {
        String username = uniqueName("user");
        register(username, PASSWORD).then().statusCode(201);
        return new Client(username, login(username, PASSWORD));
    }

    /**
     * An admin of its own, made in the database: the first account's sign-ins are throttled once the fuzz test has
     * guessed at its password, and that test may run before the caller.
     */
    public static Client newAdmin() {
        Client user = newUser();
        Db.column("UPDATE users SET role = 'admin' WHERE username = ? RETURNING username", user.username());
        return new Client(user.username(), login(user.username(), PASSWORD));
    }

    public static Response register(String username, String password) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/register");
    }

    public static String login(String username, String password) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/login")
                .then().statusCode(200).cookie("linkstack_session", notNullValue())
                .extract().cookie("linkstack_session");
    }

    public static String createLink(Client client, String url) {
        return client.request().body(Map.of("url", url)).post("/api/links")
                .then().statusCode(201).body("url", equalTo(url)).extract().path("code");
    }

    public static Response redirect(String code) {
        return RestAssured.given().redirects().follow(false).get("/" + code);
    }

    /** linkstack_redirects_total of one outcome ("redirected", "head", ...), read from the metrics endpoint. */
    public static double redirectOutcomes(String outcome) {
        return metric("linkstack_redirects_total", "outcome=\"" + outcome + "\"");
    }

    /** The sum of a metric's series that carry all the given labels (as written: {@code tier="near"}). */
    public static double metric(String name, String... labels) {
        return RestAssured.get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith(name) && java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
