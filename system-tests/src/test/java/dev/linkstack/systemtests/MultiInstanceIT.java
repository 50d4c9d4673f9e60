package dev.linkstack.systemtests;

import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.DatabaseRoles;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.RedisServer;
import dev.linkstack.testing.Repository;
import dev.linkstack.testing.ServiceEnvironment;
import dev.linkstack.testing.ServiceProcess;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production setup in miniature: the packaged app (prod profile; the jar, or the native executable in a native
 * build) running as two instances against one PostgreSQL 16 and one Redis. Any instance serves any session, a change on one is seen at once by the other,
 * clicks from both are counted exactly, and a graceful stop writes what it still holds.
 */
class MultiInstanceIT {
    private static final PackagedService APP = PackagedService.of(Repository.module("app-service"));
    private static final String PASSWORD = "multi-instance-pw";
    private static final String DB = "linkstack";
    private static PostgresServer postgres;
    /** Migrations as the owner, everything else as the app's role: the roles of deploy/postgres/init-roles.sh. */
    private static DatabaseRoles roles;
    private static RedisServer redis;
    private static ServiceProcess first;
    private static ServiceProcess second;

    @BeforeAll
    static void startTwoInstances() {
        postgres = PostgresServer.bundled().start();
        roles = DatabaseRoles.named(DB, "linkstack").createOn(postgres);
        redis = new RedisServer("multi-instance-redis-password").start();
        first = start("a", environment("1s"));
        second = start("b", environment("1s"));
    }

    @AfterAll
    static void stopInstances() {
        for (AutoCloseable running : new AutoCloseable[] {first, second, redis, postgres}) {
            if (running != null) {
                try {
                    running.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void aSessionFromOneInstanceWorksOnTheOther() {
        String user = "multi-" + System.nanoTime();
        on(first).body(Map.of("username", user, "password", PASSWORD)).post("/api/auth/register").then().statusCode(201);
        String setCookie = on(first).body(Map.of("username", user, "password", PASSWORD)).post("/api/auth/login")
                .then().statusCode(200).extract().header("Set-Cookie");
        assertTrue(setCookie.contains("Secure"), "production cookies are Secure: " + setCookie);
        String session = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

        on(second).cookie("linkstack_session", session).get("/api/auth/me").then().statusCode(200).body("username", equalTo(user));
        on(second).cookie("linkstack_session", session).post("/api/auth/logout").then().statusCode(204);
        on(first).cookie("linkstack_session", session).get("/api/auth/me").then().statusCode(401);
    }

    @Test
    void aChangeOnOneInstanceIsSeenByTheOtherAtOnce() {
        String session = newSession(first);
        String code = on(first).cookie("linkstack_session", session).body(Map.of("url", "https://example.org/v1")).post("/api/links")
                .then().statusCode(201).extract().path("code");
        redirect(second, code).then().statusCode(302).header("Location", equalTo("https://example.org/v1"));
        redirect(second, code).then().statusCode(302).header("Location", equalTo("https://example.org/v1")); // now in its near cache

        on(first).cookie("linkstack_session", session).body(Map.of("url", "https://example.org/v2")).patch("/api/links/" + code).then().statusCode(200);
        redirect(second, code).then().statusCode(302).header("Location", equalTo("https://example.org/v2"));

        on(first).cookie("linkstack_session", session).delete("/api/links/" + code).then().statusCode(204);
        redirect(second, code).then().statusCode(404);
    }

    @Test
    void clicksOnBothInstancesAreCountedExactly() throws InterruptedException {
        String session = newSession(first);
        String code = on(first).cookie("linkstack_session", session).body(Map.of("url", "https://example.org/counted")).post("/api/links")
                .then().statusCode(201).extract().path("code");
        for (int i = 0; i < 70; i++) {
            redirect(i % 2 == 0 ? first : second, code).then().statusCode(302);
        }
        assertEquals(70, awaitClicks(first, session, code, 70, Duration.ofSeconds(20)));
        Thread.sleep(2500); // a few more flush rounds: nothing may be counted twice
        assertEquals(70, clicks(second, session, code));
    }

    @Test
    void aGracefulStopWritesTheClicksItStillHolds() throws InterruptedException {
        ServiceProcess third = start("c", environment("1h")); // only shutdown will flush to the database
        try {
            String session = newSession(first);
            String code = on(first).cookie("linkstack_session", session).body(Map.of("url", "https://example.org/shutdown")).post("/api/links")
                    .then().statusCode(201).extract().path("code");
            for (int i = 0; i < 25; i++) {
                redirect(third, code).then().statusCode(302);
            }
            int exit = third.terminate(Duration.ofSeconds(30));
            assertTrue(exit == 0 || exit == 143, "clean exit on SIGTERM expected, got " + exit + "\n" + third.log());
            assertTrue(third.log().contains("stopped in"), third.log());
            // The other instances may flush in the meantime; either way all 25 must arrive, and no more.
            assertEquals(25, awaitClicks(first, session, code, 25, Duration.ofSeconds(10)));
        } finally {
            third.close();
        }
    }

    @Test
    void productionRefusesToStartWithPlaceholderSecrets() throws InterruptedException {
        Map<String, String> env = environment("1s");
        env.put("DB_PASSWORD", "change-me-db-password");
        env.put("DB_MIGRATION_PASSWORD", "change-me-db-owner-password");
        env.remove("REDIS_PASSWORD");
        ServiceProcess refused = launch("refused", env);
        try {
            assertTrue(refused.process().waitFor(90, TimeUnit.SECONDS), "must exit by itself");
            assertEquals(78, refused.process().exitValue(), refused.log());
            String reason = refused.log().lines().filter(line -> line.contains("Refusing to start")).findFirst().orElse("");
            assertTrue(reason.contains("DB_PASSWORD is still the placeholder") && reason.contains("DB_MIGRATION_PASSWORD is still the placeholder")
                    && reason.contains("REDIS_PASSWORD is not set"), refused.log());
            assertFalse(refused.log().contains("Listening on"), "must not serve traffic");
        } finally {
            refused.close();
        }
    }

    @Test
    void theHealthcheckCommandReportsReadinessWithoutStartingAServer() throws Exception {
        assertEquals(0, healthcheck(first.baseUrl() + "/q/health/ready"));
        assertEquals(1, healthcheck("http://127.0.0.1:1/q/health/ready"));
    }

    private static ServiceProcess start(String name, Map<String, String> environment) {
        return ServiceProcess.start(APP, "app-" + name, environment);
    }

    private static ServiceProcess launch(String name, Map<String, String> environment) {
        return ServiceProcess.launch(APP, "app-" + name, environment);
    }

    /** Runs the artifact's {@code healthcheck URL} command and returns its exit code. */
    private static int healthcheck(String url) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(APP.command(List.of("healthcheck", url)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "healthcheck must finish");
        return probe.exitValue();
    }

    private static Map<String, String> environment(String flushInterval) {
        return ServiceEnvironment.app(postgres, roles, redis).with("CLICK_FLUSH_INTERVAL", flushInterval).toMap();
    }

    private static RequestSpecification on(ServiceProcess instance) {
        return RestAssured.given().baseUri(instance.baseUrl()).contentType(ContentType.JSON);
    }

    private static io.restassured.response.Response redirect(ServiceProcess instance, String code) {
        return RestAssured.given().baseUri(instance.baseUrl()).redirects().follow(false).get("/" + code);
    }

    private static String newSession(ServiceProcess instance) {
        String user = "multi-" + System.nanoTime();
        on(instance).body(Map.of("username", user, "password", PASSWORD)).post("/api/auth/register").then().statusCode(201);
        return on(instance).body(Map.of("username", user, "password", PASSWORD)).post("/api/auth/login")
                .then().statusCode(200).extract().cookie("linkstack_session");
    }

    private static int clicks(ServiceProcess instance, String session, String code) {
        return on(instance).cookie("linkstack_session", session).get("/api/links/" + code).then().statusCode(200).extract().path("clicks");
    }

    private static int awaitClicks(ServiceProcess instance, String session, String code, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = clicks(instance, session, code);
        while (seen < expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            seen = clicks(instance, session, code);
        }
        return seen;
    }
}
