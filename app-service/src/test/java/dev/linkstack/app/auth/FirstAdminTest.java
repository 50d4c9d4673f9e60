package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** On a new server (empty PostgreSQL database) simultaneous first registrations make exactly one admin. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(FirstAdminTest.FreshDatabase.class)
class FirstAdminTest {
    static final int REGISTRATIONS = 12;

    public static class FreshDatabase implements QuarkusTestProfile {
    }

    @Test
    void simultaneousFirstRegistrationsMakeOneAdmin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REGISTRATIONS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < REGISTRATIONS; i++) {
                String name = Api.uniqueName("founder");
                String from = "10.79.0." + (i + 1);
                answers.add(pool.submit(() -> {
                    start.await();
                    return RestAssured.given().contentType(ContentType.JSON).header("X-Forwarded-For", from)
                            .body(Map.of("username", name, "password", Api.PASSWORD)).post("/api/auth/register").statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> answer : answers) {
                assertEquals(201, answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> admins = Db.columnIn(RealServers.FRESH_DB_NAME, "SELECT username FROM users WHERE role = 'admin'");
        ReliabilityReport.record("first admin: " + REGISTRATIONS + " simultaneous first registrations (empty PostgreSQL)",
                REGISTRATIONS + " registrations", admins.size() + " admins (1 expected)", "n/a");
        assertEquals(1, admins.size(), "exactly one admin: " + admins);
        assertEquals(REGISTRATIONS, Db.columnIn(RealServers.FRESH_DB_NAME, "SELECT id FROM users").size());
    }
}
