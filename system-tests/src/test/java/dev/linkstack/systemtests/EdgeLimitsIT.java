package dev.linkstack.systemtests;

import dev.linkstack.deploy.NginxConfig;
import dev.linkstack.testing.NginxServer;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.RedisServer;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.ServiceEnvironment;
import dev.linkstack.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge as an attacker meets it: Nginx with the generated configuration in front of a packaged app instance (prod
 * profile, PostgreSQL, Redis, at most {@value #LIMIT} failed sign-ins per client address), and clients on loopback
 * addresses of their own. The sign-in throttle must count the address Nginx saw, whatever X-Forwarded-For or Forwarded
 * a client writes, and the edge must limit the forms' POSTs like the API's.
 */
class EdgeLimitsIT {
    private static final int LIMIT = 3;
    private static final String DB = "linkstack";
    private static final String PASSWORD = "edge-user-password";

    private static PostgresServer postgres;
    private static RedisServer redis;
    private static ServiceProcess app;
    private static NginxServer nginx;

    @BeforeAll
    static void startNginxInFrontOfTheApp() {
        postgres = PostgresServer.installed().start();
        postgres.createDatabase(DB, "linkstack", "edge-db-password");
        redis = new RedisServer("edge-redis-password").start();
        app = ServiceProcess.start(LoopbackTopology.APP, "edge-app",
                ServiceEnvironment.app(postgres, DB, "linkstack", "edge-db-password", redis)
                        .with("SESSION_COOKIE_SECURE", "false")
                        .with("LOGIN_MAX_FAILURES_PER_ADDRESS", String.valueOf(LIMIT))
                        .toMap());
        nginx = new NginxServer();
        nginx.start(NginxConfig.render(new NginxConfig.Site(nginx.port(), List.of("127.0.0.1:" + app.port()), nginx.dir().toString(),
                nginx.dir().resolve("access.log").toString(), nginx.dir().resolve("error.log").toString()), ""));
    }

    @AfterAll
    static void stopEverything() {
        for (AutoCloseable part : new AutoCloseable[] {nginx, app, redis, postgres}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aClientCannotChooseTheAddressTheSignInThrottleCounts() {
        // Six wrong guesses from one machine, each claiming another address: Nginx lets all six through (1 + burst 5).
        List<Integer> statuses = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            Reply reply = signIn("127.0.0.21", unknownUser(), "wrong-password", "X-Forwarded-For", "203.0.113." + i);
            statuses.add(reply.status());
            replies.add(reply);
        }
        long pastTheLimit = statuses.stream().skip(LIMIT).filter(status -> status == 401).count();
        ReliabilityReport.record("sign-in throttle through Nginx with a spoofed X-Forwarded-For per attempt", "6 attempts",
                pastTheLimit + " guesses past the limit of " + LIMIT, "n/a");
        assertEquals(List.of(401, 401, 401, 429, 429, 429), statuses, "counted against the address Nginx saw");
        assertNotNull(replies.get(LIMIT).header("retry-after"), "the app's throttle answered, not Nginx's limit");
    }

    @Test
    void aSpoofedHeaderCannotLockOutAnotherAddress() {
        String victim = register();
        String victimAddress = "127.0.0.31";
        for (int i = 0; i <= LIMIT; i++) {
            signIn("127.0.0.32", unknownUser(), "wrong-password", "X-Forwarded-For", victimAddress, "Forwarded", "for=" + victimAddress);
        }
        Reply attacker = signIn("127.0.0.32", unknownUser(), "wrong-password");
        Reply victimSignIn = signIn(victimAddress, victim, PASSWORD);
        ReliabilityReport.record("sign-in lockout of another address through Nginx (spoofed X-Forwarded-For and Forwarded)",
                (LIMIT + 1) + " attempts naming the victim, then the victim's own sign-in",
                victimSignIn.status() == 200 ? "0 (victim signed in, attacker throttled)" : "victim locked out (" + victimSignIn.status() + ")", "n/a");
        assertEquals(200, victimSignIn.status(), victimSignIn.body());
        assertEquals(429, attacker.status(), "the attempts counted against the attacker's own address");
    }

    @Test
    void theAppBelievesOnlyXForwardedForAndOnlyFromATrustedProxy() {
        // Straight to the app from 127.0.0.41, which is not in TRUSTED_PROXIES: its forwarded header is ignored.
        List<Integer> untrusted = new ArrayList<>();
        for (int i = 1; i <= LIMIT + 1; i++) {
            untrusted.add(send("127.0.0.41", app.port(), "POST", "/api/auth/login", loginJson(unknownUser(), "wrong-password"), "application/json",
                    "X-Forwarded-For", "198.51.100." + i).status());
        }
        assertEquals(List.of(401, 401, 401, 429), untrusted, "an untrusted client's X-Forwarded-For does not choose its address");
        // From 127.0.0.1 (a trusted proxy) X-Forwarded-For is believed and Forwarded is not: a new Forwarded address
        // each time does not reset the count of the one X-Forwarded-For address.
        List<Integer> trusted = new ArrayList<>();
        for (int i = 1; i <= LIMIT + 1; i++) {
            trusted.add(send("127.0.0.1", app.port(), "POST", "/api/auth/login", loginJson(unknownUser(), "wrong-password"), "application/json",
                    "X-Forwarded-For", "198.51.100.200", "Forwarded", "for=198.51.100." + (100 + i)).status());
        }
        assertEquals(List.of(401, 401, 401, 429), trusted, "Forwarded is not honoured");
    }

    @Test
    void theEdgeLimitsThePostsOfTheFormsNotTheirPages() {
        String address = "127.0.0.51";
        for (int i = 0; i < 10; i++) {
            assertEquals(200, send(address, nginx.port(), "GET", "/account/login", "", null).status(), "opening the form is never limited");
        }
        // Without a CSRF token the app refuses each form (400); what matters is who answers: Nginx past 1 + burst 5.
        List<Reply> posts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            posts.add(send(address, nginx.port(), "POST", "/account/login", "username=nobody&password=wrong-password",
                    "application/x-www-form-urlencoded"));
        }
        long passed = posts.stream().filter(reply -> reply.status() != 429).count();
        ReliabilityReport.record("edge limit on the sign-in form's POSTs through Nginx, one address", "10 rapid POSTs after 10 GETs",
                Math.max(0, passed - 6) + " POSTs past Nginx's 1 + burst 5", "n/a");
        for (int i = 0; i < 6; i++) {
            assertTrue(posts.get(i).status() != 429, "POST " + i + " within the burst: " + posts.get(i).status());
        }
        for (Reply limited : posts.subList(7, 10)) {
            assertEquals(429, limited.status(), "past the burst");
            assertNull(limited.header("retry-after"), "answered by Nginx, not by the app");
        }
        // One budget for every credential endpoint, in every spelling the app answers to.
        for (String path : List.of("/account/register", "/api/auth/login", "/api/auth/register", "/account/login/", "/api/auth//login",
                "/api/auth/login;x=1", "/account/login;x=1")) {
            assertEquals(429, send(address, nginx.port(), "POST", path, "{}", "application/json").status(), path);
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A sign-in through Nginx from the given loopback address, with extra header name/value pairs. */
    private static Reply signIn(String from, String username, String password, String... headers) {
        return send(from, nginx.port(), "POST", "/api/auth/login", loginJson(username, password), "application/json", headers);
    }

    private static String loginJson(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    /** A new account, registered on the app directly (no sign-in attempt spent at the edge); returns its name. */
    private static String register() {
        String user = "edge-" + System.nanoTime();
        Http.Reply created = Http.post(app.baseUrl() + "/api/auth/register", Map.of("username", user, "password", PASSWORD));
        assertEquals(201, created.status(), created.body());
        return user;
    }

    private static String unknownUser() {
        return "nobody-" + System.nanoTime();
    }

    /** One request over a fresh connection bound to a loopback address, so each client has an address of its own. */
    private static Reply send(String from, int port, String method, String path, String body, String contentType, String... headers) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(content);
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            List<String> head = response.substring(0, end < 0 ? response.length() : end).lines().toList();
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            return new Reply(Integer.parseInt(head.get(0).split(" ")[1]), fields, end < 0 ? "" : response.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(from + " " + method + " " + path, e);
        }
    }
}
