package dev.linkstack.backup.ui;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing the API token on the backups page's sign-in form: each client (its own loopback address) gets
 * {@value #LIMIT} wrong tokens per window, then 429 with Retry-After, the right token included, until the window ends.
 */
@QuarkusTest
@TestProfile(SignInThrottleTest.ThreeFailuresInThreeSeconds.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class SignInThrottleTest {
    private static final int LIMIT = 3;

    public static class ThreeFailuresInThreeSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.ui.login-max-failures", String.valueOf(LIMIT), "backup.ui.login-failure-window", "PT3S");
        }
    }

    @Test
    void pastTheLimitEvenTheRightTokenWaitsForTheWindow() throws InterruptedException {
        String guesser = "127.0.0.11";
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            statuses.add(signIn(guesser, "wrong-token-" + i).status());
        }
        Reply refused = signIn(guesser, Api.TOKEN);
        statuses.add(refused.status());
        assertEquals(List.of(401, 401, 401, 429), statuses, "the right token after " + LIMIT + " wrong ones");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
        assertTrue(refused.body().contains("Too many wrong tokens from your address; try again in " + retryAfter + " seconds"), refused.body());
        assertEquals(429, signIn(guesser, Api.TOKEN, "X-Forwarded-For: 198.51.100.7\r\n").status(), "a forwarded header names no other address");
        assertEquals(303, signIn("127.0.0.12", Api.TOKEN).status(), "another address is not held back");

        Thread.sleep(retryAfter * 1000 + 200);
        assertEquals(303, signIn(guesser, Api.TOKEN).status(), "the window has passed");
    }

    @Test
    void simultaneousGuessesAllCount() throws Exception {
        int guesses = 12;
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < guesses; i++) {
                String token = "wrong-token-" + i;
                replies.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return signIn("127.0.0.13", token).status();
                }, pool));
            }
            start.countDown();
            List<Integer> statuses = replies.stream().map(CompletableFuture::join).toList();
            long checked = statuses.stream().filter(status -> status == 401).count();
            ReliabilityReport.record("backup-service: API token guesses on /ui/login, one address, all at once", guesses + " simultaneous attempts",
                    Math.max(0, checked - LIMIT) + " guesses past the limit of " + LIMIT, "n/a");
            assertEquals(LIMIT, checked, statuses.toString());
            assertEquals(guesses - LIMIT, statuses.stream().filter(status -> status == 429).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    record Reply(int status, String head, String body) {
        String header(String name) {
            return head.lines().filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(line -> line.substring(name.length() + 1).trim()).findFirst().orElse(null);
        }
    }

    /** The sign-in form posted over a connection of its own from the given loopback address. */
    private static Reply signIn(String from, String token) {
        return signIn(from, token, "");
    }

    private static Reply signIn(String from, String token, String moreHeaders) {
        byte[] body = ("token=" + token).getBytes(StandardCharsets.US_ASCII);
        String request = "POST /ui/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n" + moreHeaders
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            String head = end < 0 ? response : response.substring(0, end);
            return new Reply(Integer.parseInt(head.split(" ")[1]), head, end < 0 ? "" : response.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
