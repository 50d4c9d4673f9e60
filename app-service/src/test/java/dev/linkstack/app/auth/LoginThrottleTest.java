package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password guessing is throttled per account and per client address, in the app itself (shared through Redis), on
 * the API and on the sign-in page. Each test comes from its own client address (X-Forwarded-For, as Nginx sends it).
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LoginThrottleTest {
    private static final int PER_ACCOUNT = 10;
    private static final int PER_ADDRESS = 50;
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Test
    void anAccountIsLockedAfterTenFailuresFromAnyAddressEvenForTheRightPassword() {
        String name = Api.uniqueName("guessed");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String attacker = address();
        int refused = 0;
        for (int i = 0; i < PER_ACCOUNT; i++) {
            refused += login(name, "wrong-" + i, attacker).statusCode() == 429 ? 1 : 0;
        }
        assertEquals(0, refused, "the first failures are answered normally");
        Response locked = login(name, "wrong-again", attacker);
        locked.then().statusCode(429).contentType(ContentType.JSON).body("error", equalTo("too_many_attempts"))
                .body("status", equalTo(429));
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After within the window: " + retryAfter);
        // The right password from another address does not get through either: the account is what is protected.
        login(name, Api.PASSWORD, address()).then().statusCode(429);

        // Counters live in Redis (shared by every instance), with the window as expiry, never keyed by the raw name.
        String keys = RealServers.redis().cli("--scan", "--pattern", "login-failures:*");
        assertTrue(keys.contains("login-failures:address:" + attacker), keys);
        assertFalse(keys.contains(name), "usernames are not readable in Redis key names");
        long ttl = Long.parseLong(RealServers.redis().cli("TTL", "login-failures:address:" + attacker).strip());
        assertTrue(ttl > 0 && ttl <= 15 * 60, "window TTL expected, got " + ttl);
        ReliabilityReport.record("login brute force, one account: wrong passwords until refused",
                (PER_ACCOUNT + 2) + " attempts", "0 guesses past the limit of " + PER_ACCOUNT, "n/a");
    }

    @Test
    void aWaveOfConcurrentGuessesGetsNoMorePasswordChecksThanTheLimit() throws Exception {
        // Each guess is reserved in the counter before its password is checked: of 3 x limit simultaneous wrong
        // guesses (from as many addresses) exactly the limit reach the bcrypt check (401), the rest are refused.
        String name = Api.uniqueName("waved");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        int guesses = 3 * PER_ACCOUNT;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(guesses);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < guesses; i++) {
                String guess = "wrong-" + i;
                String from = address();
                answers.add(pool.submit(() -> {
                    start.await();
                    return login(name, guess, from).statusCode();
                }));
            }
            start.countDown();
            Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                byStatus.merge(answer.get(60, java.util.concurrent.TimeUnit.SECONDS), 1, Integer::sum);
            }
            int checked = byStatus.getOrDefault(401, 0);
            ReliabilityReport.record("login brute force, one account: " + guesses + " concurrent wrong guesses",
                    guesses + " concurrent attempts", (checked - PER_ACCOUNT) + " password checks past the limit of "
                            + PER_ACCOUNT + " " + byStatus, "n/a");
            assertEquals(Map.of(401, PER_ACCOUNT, 429, guesses - PER_ACCOUNT), byStatus,
                    "exactly the limit of guesses reach the password check");
        } finally {
            pool.shutdownNow();
        }
        login(name, Api.PASSWORD, address()).then().statusCode(429);
    }

    @Test
    void oneAddressIsLockedAfterFiftyFailuresAcrossAccounts() {
        String address = address();
        int answered = 0;
        for (int i = 0; i < PER_ADDRESS; i++) {
            int status = login(Api.uniqueName("nobody"), "wrong", address).statusCode();
            assertEquals(401, status, "failure " + (i + 1) + " is answered");
            answered++;
        }
        login(Api.uniqueName("nobody"), "wrong", address).then().statusCode(429).body("error", equalTo("too_many_attempts"));
        // A real user on another address is not affected.
        Api.Client someone = Api.newUser();
        login(someone.username(), Api.PASSWORD, address()).then().statusCode(200);
        ReliabilityReport.record("login brute force, one client address across accounts", (answered + 1) + " attempts",
                "0 guesses past the limit of " + PER_ADDRESS, "n/a");
    }

    @Test
    void aSuccessfulSignInClearsTheAccountCounter() {
        String name = Api.uniqueName("forgetful");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String address = address();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < PER_ACCOUNT - 1; i++) {
                login(name, "typo-" + i, address).then().statusCode(401);
            }
            login(name, Api.PASSWORD, address).then().statusCode(200);
        }
    }

    @Test
    void theSignInPageIsThrottledToo() {
        String name = Api.uniqueName("pageguess");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String address = address();
        for (int i = 0; i < PER_ACCOUNT; i++) {
            login(name, "wrong-" + i, address).then().statusCode(401);
        }
        Forms.Csrf csrf = Forms.csrf("/account/login");
        Response page = csrf.post("/account/login", Map.of("username", name, "password", Api.PASSWORD), address);
        page.then().statusCode(429).body(containsString("Too many failed sign-ins"));
        assertTrue(Long.parseLong(page.header("Retry-After")) > 0);
    }

    @Test
    void onlyTrustedProxiesMayNameTheClientAddress() throws Exception {
        // From 127.0.0.2 (not a trusted proxy) the forwarded address is ignored: the throttle counts the real one.
        String spoofed = address();
        assertEquals("HTTP/1.1 401", failedLoginFrom("127.0.0.2", spoofed).substring(0, 12));
        String keys = RealServers.redis().cli("--scan", "--pattern", "login-failures:address:*");
        assertTrue(keys.contains("login-failures:address:127.0.0.2"), keys);
        assertFalse(keys.contains("login-failures:address:" + spoofed + "\n"), keys);
        assertFalse(keys.lines().anyMatch(("login-failures:address:" + spoofed)::equals), keys);
        // From 127.0.0.1 (the local Nginx) it is believed.
        String forwarded = address();
        assertEquals("HTTP/1.1 401", failedLoginFrom("127.0.0.1", forwarded).substring(0, 12));
        assertTrue(RealServers.redis().cli("--scan", "--pattern", "login-failures:address:*").lines()
                .anyMatch(("login-failures:address:" + forwarded)::equals));
    }

    /** A failed sign-in over a raw connection from the given local address; returns the status line. */
    private static String failedLoginFrom(String localAddress, String forwardedFor) throws java.io.IOException {
        String body = "{\"username\": \"" + Api.uniqueName("nobody") + "\", \"password\": \"wrong-password\"}";
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", RestAssured.port), 10_000);
            socket.setSoTimeout(30_000);
            String request = "POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Forwarded-For: " + forwardedFor + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static String address() {
        int n = ADDRESSES.incrementAndGet();
        return "10.77." + (n / 250) + "." + (n % 250 + 1);
    }

    static Response login(String username, String password, String address) {
        return RestAssured.given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("username", username, "password", password)).post("/api/auth/login");
    }
}
