package dev.linkstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;
import dev.linkstack.testing.NginxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production topology without containers: PostgreSQL, Redis with a password, two app instances (prod
 * profile, packaged jars), Nginx with the generated configuration rendered for loopback, and the backup-service,
 * each a real process on a free port. Everything a user does goes through Nginx.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyIT {
    private static final PackagedService BACKUP = PackagedService.of(RepositoryFiles.path("backup-service"));
    private static final String DB = LoopbackTopology.DB;
    private static final String BACKUP_TOKEN = "topology-backup-token";
    private static final String PASSWORD = "topology-user-password";

    private static LoopbackTopology topology;
    private static NginxServer nginx;
    private static ServiceProcess backup;
    private static Path backupDir;

    private static String session;
    private static String code;

    @BeforeAll
    static void startTheTopology() throws Exception {
        // pg_dump must not be older than the server: the topology runs the installed PostgreSQL, whose pg_dump we use.
        topology = new LoopbackTopology("topology", Map.of());
        nginx = topology.nginx;
        PostgresServer postgres = topology.postgres;
        backupDir = Files.createTempDirectory("topology-backups");
        Map<String, String> backupEnv = new HashMap<>();
        backupEnv.put("BACKUP_DB_HOST", "127.0.0.1");
        backupEnv.put("BACKUP_DB_PORT", String.valueOf(postgres.port()));
        backupEnv.put("BACKUP_DB_NAME", DB);
        backupEnv.put("BACKUP_DB_USER", PostgresServer.SUPERUSER);
        backupEnv.put("BACKUP_DB_PASSWORD", PostgresServer.SUPERUSER_PASSWORD);
        backupEnv.put("BACKUP_API_TOKEN", BACKUP_TOKEN);
        backupEnv.put("BACKUP_DIR", backupDir.toString());
        backupEnv.put("BACKUP_PG_BIN_DIR", postgres.binDir());
        backupEnv.put("BACKUP_CRON", "off");
        backup = ServiceProcess.start(BACKUP, "backup", backupEnv);
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

    @Test
    @Order(1)
    void registerLoginShortenAndFollowThroughNginx() {
        String user = "topology-" + System.nanoTime();
        assertEquals(201, Http.post(edge("/api/auth/register"), Map.of("username", user, "password", PASSWORD)).status());
        Http.Reply login = Http.post(edge("/api/auth/login"), Map.of("username", user, "password", PASSWORD));
        assertEquals(200, login.status(), login.body());
        session = login.cookie("linkstack_session");
        assertNotNull(session);
        assertEquals("nosniff", login.header("X-Content-Type-Options"), "Nginx security headers");
        assertEquals("DENY", login.header("X-Frame-Options"));

        Http.Reply created = Http.post(edge("/api/links"), Map.of("url", "https://example.org/topology"), "Cookie", cookie());
        assertEquals(201, created.status(), created.body());
        code = created.json().path("code").asText();
        assertTrue(created.json().path("shortUrl").asText().startsWith(nginx.baseUrl() + "/"), "short URL names the edge: " + created.body());

        Http.Reply redirect = Http.get(edge("/" + code));
        assertEquals(302, redirect.status());
        assertEquals("https://example.org/topology", redirect.header("Location"));
        assertTrue(nginx.file("access.log").contains("upstream_time="), "access log carries upstream time");
    }

    @Test
    @Order(2)
    void theSameSessionWorksOnEveryInstance() {
        for (ServiceProcess app : topology.apps()) {
            Http.Reply me = Http.get(app.baseUrl() + "/api/auth/me", "Cookie", cookie());
            assertEquals(200, me.status(), app.baseUrl() + ": " + me.body());
        }
    }

    @Test
    @Order(3)
    void instanceEndpointsAndTheBackupApiAreNotReachableThroughNginx() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/api/backups")) {
            Http.Reply reply = Http.get(edge(path), "Authorization", "Bearer " + BACKUP_TOKEN);
            assertTrue(reply.status() == 404 || reply.status() == 401, path + " answered " + reply.status() + ": " + reply.body());
            assertTrue(!reply.body().contains("\"checks\"") && !reply.body().contains("jvm_"), path + " leaked: " + reply.body());
        }
    }

    @Test
    @Order(4)
    void loginAttemptsAreRateLimited() {
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            if (Http.post(edge("/api/auth/login"), Map.of("username", "nobody", "password", "wrong-password")).status() == 429) {
                limited++;
            }
        }
        assertTrue(limited > 0, "a burst of logins meets 429");
    }

    @Test
    @Order(5)
    void everythingKeepsWorkingWithOneInstanceDown() throws InterruptedException {
        topology.app(0).terminate(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            assertEquals(302, Http.get(edge("/" + code)).status(), "redirect " + i);
            assertEquals(200, Http.get(edge("/api/auth/me"), "Cookie", cookie()).status(), "session " + i);
        }
        Http.Reply created = Http.post(edge("/api/links"), Map.of("url", "https://example.org/while-degraded"), "Cookie", cookie());
        assertEquals(201, created.status(), created.body());
    }

    @Test
    @Order(6)
    void aBackupTakenThroughTheApiRestoresToTheSameData() throws Exception {
        // 11 redirects so far (1, then 10 with an instance down): once all are in the database, nothing changes
        // until the comparison below, and every 302 has been counted exactly once.
        awaitStoredClicks(11, Duration.ofSeconds(20));
        String auth = "Bearer " + BACKUP_TOKEN;
        Http.Reply triggered = Http.post(backup.baseUrl() + "/api/backups", null, "Authorization", auth);
        assertEquals(202, triggered.status(), triggered.body());
        String jobUrl = backup.baseUrl() + triggered.header("Location").replaceFirst("^https?://[^/]+", "");
        JsonNode job = awaitJob(jobUrl, auth);
        String backupId = job.path("backupId").asText();
        assertTrue(!backupId.isEmpty(), job.toString());

        Http.Reply restored = Http.post(backup.baseUrl() + "/api/backups/" + backupId + "/restore",
                Map.of("database", "restored", "confirm", "restored"), "Authorization", auth);
        assertEquals(200, restored.status(), restored.body());
        for (String table : List.of("users", "links", "api_tokens", "link_daily_clicks")) {
            assertEquals(rows(DB, table), rows("restored", table), table + " restored identically");
        }
    }

    @Test
    @Order(7)
    void anAppUpdateKeepsAllData() throws InterruptedException {
        topology.restartApps(); // the "new version": fresh processes on the same addresses
        assertEquals(200, Http.get(edge("/api/auth/me"), "Cookie", cookie()).status(), "sessions survive in Redis");
        assertEquals(302, Http.get(edge("/" + code)).status());
        JsonNode links = Http.get(edge("/api/links"), "Cookie", cookie()).json();
        assertEquals(2, links.path("total").asInt(), links.toString());
    }

    private static void awaitStoredClicks(long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stored = storedClicks();
        while (stored < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            stored = storedClicks();
        }
        assertEquals(expected, stored, "clicks stored for the 302s sent through Nginx");
    }

    private static long storedClicks() throws SQLException {
        return topology.storedClicks();
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

    private static String cookie() {
        return "linkstack_session=" + session;
    }
}
