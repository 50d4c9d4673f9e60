package dev.linkstack.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.testing.NginxServer;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.Repository;
import dev.linkstack.testing.ServiceEnvironment;
import dev.linkstack.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production topology without containers: PostgreSQL, Redis with a password, two app instances (prod
 * profile, packaged jars), Nginx with the generated configuration rendered for loopback, and the backup-service,
 * each a real process on a free port. Everything a user does goes through Nginx. Each test starts with every instance
 * running and brings its own user and links.
 */
class TopologyIT {
    private static final PackagedService BACKUP = PackagedService.of(Repository.module("backup-service"));
    private static final String DB = LoopbackTopology.DB;
    private static final String BACKUP_TOKEN = "topology-backup-token";
    private static final String PASSWORD = "topology-user-password";

    private static LoopbackTopology topology;
    private static NginxServer nginx;
    private static ServiceProcess backup;

    @BeforeAll
    static void startTheTopology() throws Exception {
        // pg_dump must not be older than the server: the topology runs the installed PostgreSQL, whose pg_dump we use.
        topology = new LoopbackTopology("topology");
        nginx = topology.nginx;
        Path backupDir = Files.createTempDirectory("topology-backups");
        backup = ServiceProcess.start(BACKUP, "backup", ServiceEnvironment.backup(topology.postgres, topology.roles, BACKUP_TOKEN, backupDir).toMap());
    }

    @AfterAll
    static void stopTheTopology() {
        if (backup != null) {
            backup.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    /** Instances a test stopped run again before the next one. */
    @BeforeEach
    void everyInstanceRuns() {
        topology.restoreEverything();
    }

    @Test
    void registerLoginShortenAndFollowThroughNginx() {
        String user = "topology-" + System.nanoTime();
        assertEquals(201, Http.post(edge("/api/auth/register"), Map.of("username", user, "password", PASSWORD)).status());
        Http.Reply login = Http.post(edge("/api/auth/login"), Map.of("username", user, "password", PASSWORD));
        assertEquals(200, login.status(), login.body());
        String session = login.cookie("linkstack_session");
        assertNotNull(session);
        assertEquals("nosniff", login.header("X-Content-Type-Options"), "Nginx security headers");
        assertEquals("DENY", login.header("X-Frame-Options"));

        Http.Reply created = Http.post(edge("/api/links"), Map.of("url", "https://example.org/topology"), "Cookie", cookie(session));
        assertEquals(201, created.status(), created.body());
        String code = created.json().path("code").asText();
        assertTrue(created.json().path("shortUrl").asText().startsWith(nginx.baseUrl() + "/"), "short URL names the edge: " + created.body());

        Http.Reply redirect = Http.get(edge("/" + code));
        assertEquals(302, redirect.status());
        assertEquals("https://example.org/topology", redirect.header("Location"));
        assertTrue(nginx.file("access.log").contains("upstream_time="), "access log carries upstream time");
    }

    @Test
    void theSameSessionWorksOnEveryInstance() {
        String session = newSession();
        for (ServiceProcess app : topology.apps()) {
            Http.Reply me = Http.get(app.baseUrl() + "/api/auth/me", "Cookie", cookie(session));
            assertEquals(200, me.status(), app.baseUrl() + ": " + me.body());
        }
    }

    @Test
    void instanceEndpointsAndTheBackupApiAreNotReachableThroughNginx() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/api/backups")) {
            Http.Reply reply = Http.get(edge(path), "Authorization", "Bearer " + BACKUP_TOKEN);
            assertTrue(reply.status() == 404 || reply.status() == 401, path + " answered " + reply.status() + ": " + reply.body());
            assertTrue(!reply.body().contains("\"checks\"") && !reply.body().contains("jvm_"), path + " leaked: " + reply.body());
        }
    }

    @Test
    void loginAttemptsAreRateLimited() throws IOException {
        // From an address of its own (Nginx limits per client address): the other tests' sign-ins are not throttled.
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            if (loginFrom("127.0.0.2", "nobody", "wrong-password") == 429) {
                limited++;
            }
        }
        assertTrue(limited > 0, "a burst of logins meets 429");
    }

    @Test
    void everythingKeepsWorkingWithOneInstanceDown() throws InterruptedException {
        String session = newSession();
        String code = shorten(session, "https://example.org/before-degraded");
        topology.app(0).terminate(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            assertEquals(302, Http.get(edge("/" + code)).status(), "redirect " + i);
            assertEquals(200, Http.get(edge("/api/auth/me"), "Cookie", cookie(session)).status(), "session " + i);
        }
        shorten(session, "https://example.org/while-degraded");
    }

    /**
     * The backup-service runs as the backup role of deploy/postgres/init-roles.sh: it dumps the app's database and its
     * restore test loads the dump into a scratch database of its own; a real restore (into a new database here) takes
     * the owner's role (BACKUP_RESTORE_ROLE), so the owner owns what is restored and every row is there.
     */
    @Test
    void aBackupTakenThroughTheApiPassesItsRestoreTestAsTheBackupRole() throws Exception {
        String code = shorten(newSession(), "https://example.org/backed-up");
        long before = topology.settledClicks();
        for (int i = 0; i < 11; i++) {
            assertEquals(302, Http.get(edge("/" + code)).status(), "redirect " + i);
        }
        // Once all 11 are in the database, nothing changes until the comparison below, and every 302 has been counted
        // exactly once.
        awaitStoredClicks(before + 11, Duration.ofSeconds(20));
        String auth = "Bearer " + BACKUP_TOKEN;
        Http.Reply triggered = Http.post(backup.baseUrl() + "/api/backups", null, "Authorization", auth);
        assertEquals(202, triggered.status(), triggered.body());
        String jobUrl = backup.baseUrl() + triggered.header("Location").replaceFirst("^https?://[^/]+", "");
        JsonNode job = awaitJob(jobUrl, auth);
        String backupId = job.path("backupId").asText();
        assertTrue(!backupId.isEmpty(), job.toString());

        Http.Reply verified = Http.post(backup.baseUrl() + "/api/backups/" + backupId + "/verify", Map.of(), "Authorization", auth);
        assertEquals(200, verified.status(), verified.body());
        assertTrue(verified.json().path("ok").asBoolean(), verified.body());
        Map<String, Long> restoredRows = new java.util.HashMap<>();
        verified.json().path("tables").forEach(t -> restoredRows.put(t.path("table").asText(), t.path("rows").asLong()));
        for (String table : List.of("users", "links", "api_tokens", "link_daily_clicks")) {
            assertEquals((long) rows(DB, table).size(), restoredRows.get(table), table + " restored in the scratch database");
        }

        String restoredDb = "restored";
        Http.Reply restored = Http.post(backup.baseUrl() + "/api/backups/" + backupId + "/restore",
                Map.of("database", restoredDb, "confirm", restoredDb), "Authorization", auth);
        assertEquals(200, restored.status(), restored.body());
        try {
            for (String table : List.of("users", "links", "api_tokens", "link_daily_clicks")) {
                assertEquals(rows(DB, table), rows(restoredDb, table), table + " restored as it is in the live database");
            }
            try (Connection connection = topology.connect(restoredDb); Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> '"
                         + topology.roles.owner() + "'")) {
                result.next();
                assertEquals(0, result.getInt(1), "every restored table belongs to the owner");
            }
        } finally {
            try (Connection connection = topology.connect("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + restoredDb + " WITH (FORCE)");
            }
        }
    }

    @Test
    void anAppUpdateKeepsAllData() throws InterruptedException {
        String session = newSession();
        String code = shorten(session, "https://example.org/before-update");
        shorten(session, "https://example.org/also-before-update");
        topology.restartApps(); // the "new version": fresh processes on the same addresses
        assertEquals(200, Http.get(edge("/api/auth/me"), "Cookie", cookie(session)).status(), "sessions survive in Redis");
        assertEquals(302, Http.get(edge("/" + code)).status());
        JsonNode links = Http.get(edge("/api/links"), "Cookie", cookie(session)).json();
        assertEquals(2, links.path("total").asInt(), links.toString());
    }

    /**
     * A new user signed in on an instance directly: setting up a test does not spend the sign-in attempts Nginx allows
     * per client address; the session cookie then works through Nginx like any other.
     */
    private static String newSession() {
        String base = topology.app(1).baseUrl();
        String user = "topology-" + System.nanoTime();
        assertEquals(201, Http.post(base + "/api/auth/register", Map.of("username", user, "password", PASSWORD)).status());
        Http.Reply login = Http.post(base + "/api/auth/login", Map.of("username", user, "password", PASSWORD));
        assertEquals(200, login.status(), login.body());
        return login.cookie("linkstack_session");
    }

    /** Creates a link through Nginx and returns its code. */
    private static String shorten(String session, String url) {
        Http.Reply created = Http.post(edge("/api/links"), Map.of("url", url), "Cookie", cookie(session));
        assertEquals(201, created.status(), created.body());
        return created.json().path("code").asText();
    }

    /** A sign-in sent through Nginx from the given loopback address; returns the status code. */
    private static int loginFrom(String clientAddress, String user, String password) throws IOException {
        byte[] body = ("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(clientAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:" + nginx.port() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            return Integer.parseInt(statusLine.split(" ")[1]); // "HTTP/1.1 429 Too Many Requests"
        }
    }

    private static void awaitStoredClicks(long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stored = topology.storedClicks();
        while (stored < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            stored = topology.storedClicks();
        }
        assertEquals(expected, stored, "clicks stored for the 302s sent through Nginx");
    }

    private static JsonNode awaitJob(String url, String auth) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode job = Http.get(url, "Authorization", auth).json();
        while (System.nanoTime() < deadline && !job.path("state").asText().matches("SUCCEEDED|FAILED")) {
            Thread.sleep(200);
            job = Http.get(url, "Authorization", auth).json();
        }
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        return job;
    }

    /** Every row of a table, in key order, as text: restored data must match exactly. */
    private static List<String> rows(String database, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = topology.connect(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    private static String edge(String path) {
        return nginx.baseUrl() + path;
    }

    private static String cookie(String session) {
        return "linkstack_session=" + session;
    }
}
