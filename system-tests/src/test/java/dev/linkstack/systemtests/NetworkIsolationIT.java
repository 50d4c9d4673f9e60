package dev.linkstack.systemtests;

import dev.linkstack.deploy.Deployment;
import dev.linkstack.deploy.DeploymentModel;
import dev.linkstack.deploy.NginxConfig;
import dev.linkstack.deploy.Service;
import dev.linkstack.deploy.WalArchiving;
import dev.linkstack.testing.NetworkNamespaces;
import dev.linkstack.testing.DatabaseRoles;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production Compose topology rebuilt from {@link DeploymentModel#production()} with network namespaces: one
 * namespace per container, one bridge per Compose network, and an "outside" host that sees only what the host
 * publishes (Nginx's port). Real PostgreSQL, Redis, app instances, Nginx and backup-service run inside, reaching each
 * other by service name as in Compose. From outside, only Nginx may answer.
 */
class NetworkIsolationIT {
    private static final PackagedService APP = PackagedService.of(Repository.module("app-service"));
    private static final PackagedService BACKUP = PackagedService.of(Repository.module("backup-service"));
    /** The network standing for the host's published ports; "outside" and every service that publishes a port. */
    private static final String PUBLISHED = "published";
    private static final String OUTSIDE = "outside";
    private static final int POSTGRES_PORT = 5432;
    private static final int REDIS_PORT = 6379;
    /** Every port something in the topology listens on, plus the usual web ports. */
    private static final int[] PROBED_PORTS = java.util.stream.IntStream.of(POSTGRES_PORT, REDIS_PORT, DeploymentModel.APP_PORT,
            DeploymentModel.NGINX_PORT, 80, 443).distinct().toArray();
    private static final String BACKUP_TOKEN = "isolation-backup-token";

    /** The values an operator would put in .env.production. */
    private static final Map<String, String> ENV_FILE = Map.ofEntries(
            Map.entry("DB_NAME", "linkstack"), Map.entry("POSTGRES_PASSWORD", "isolation-superuser-password"),
            Map.entry("DB_OWNER_PASSWORD", "isolation-owner-password"), Map.entry("DB_PASSWORD", "isolation-db-password"),
            Map.entry("BACKUP_DB_PASSWORD", "isolation-backup-db-password"), Map.entry("BACKUP_REPLICATION_PASSWORD", "isolation-replication-password"),
            Map.entry("REDIS_PASSWORD", "isolation-redis-password"), Map.entry("BACKUP_API_TOKEN", BACKUP_TOKEN),
            Map.entry("SESSION_COOKIE_SECURE", "false"), Map.entry("PUBLIC_BASE_URL", "http://nginx:" + DeploymentModel.NGINX_PORT + "/"),
            Map.entry("BACKUP_CRON", "off"));

    private static final Deployment MODEL = DeploymentModel.production();
    private static NetworkNamespaces net;
    private static PostgresServer postgres;
    private static final List<Process> daemons = new ArrayList<>();
    private static final List<ServiceProcess> services = new ArrayList<>();
    private static Path workDir;

    @BeforeAll
    static void buildTheTopology() throws Exception {
        assertTrue(NetworkNamespaces.available(), "needs root and iproute2 (ip netns)");
        workDir = Processes.openTempDir("isolation-");
        net = new NetworkNamespaces("ls" + ProcessHandle.current().pid() % 100000);
        for (Service service : MODEL.services()) {
            List<String> networks = new ArrayList<>(service.networks());
            if (!service.ports().isEmpty()) {
                networks.add(PUBLISHED);
            }
            net.host(service.name(), networks);
        }
        net.host(OUTSIDE, List.of(PUBLISHED));
        net.writeHostsFiles();

        startPostgres();
        startRedis(DeploymentModel.STATE_REDIS);
        startRedis(DeploymentModel.CACHE_REDIS); // the redirect cache's own
        for (Service service : MODEL.services()) {
            if (service.name().startsWith("app-")) {
                Map<String, String> env = resolve(service.environment());
                env.put("PORT", String.valueOf(DeploymentModel.APP_PORT));
                services.add(ServiceProcess.launch(APP, service.name(), env, net.exec(service.name())));
            }
        }
        Map<String, String> backupEnv = resolve(MODEL.service("backup").environment());
        Path backups = Files.createDirectories(workDir.resolve("backups"));
        backupEnv.put("BACKUP_DIR", backups.toString()); // the host-mounted folder
        backupEnv.put("BACKUP_WAL_DIR", Files.createDirectories(workDir.resolve("wal")).toString()); // and the WAL archive's
        backupEnv.put("BACKUP_PG_BIN_DIR", postgres.binDir());
        backupEnv.put("PORT", "8080");
        services.add(ServiceProcess.launch(BACKUP, "backup", backupEnv, net.exec("backup")));
        for (ServiceProcess service : services) {
            awaitReadyInside(service);
        }
        startNginx();
    }

    @AfterAll
    static void tearDown() {
        services.forEach(ServiceProcess::close);
        for (Process daemon : daemons) {
            daemon.destroy();
            try {
                if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        if (net != null) {
            net.close();
        }
        Processes.deleteRecursively(workDir);
    }

    @Test
    void fromOutsideOnlyNginxAnswers() {
        String nginxAddress = net.address("nginx", PUBLISHED);
        String edge = "http://" + nginxAddress + ":" + DeploymentModel.NGINX_PORT;

        // The way in works: a user registers, signs in, shortens a link and follows it, all from outside.
        assertEquals("200", curl(OUTSIDE, edge + "/healthz").status());
        assertEquals("201", curl(OUTSIDE, "-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"username\":\"outsider\",\"password\":\"outsider-password-1\"}", edge + "/api/auth/register").status());
        Path cookies = workDir.resolve("cookies.txt");
        assertEquals("200", curl(OUTSIDE, "-c", cookies.toString(), "-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"username\":\"outsider\",\"password\":\"outsider-password-1\"}", edge + "/api/auth/login").status());
        Reply created = curl(OUTSIDE, "-b", cookies.toString(), "-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"url\":\"https://example.org/isolated\"}", edge + "/api/links");
        assertEquals("201", created.status(), created.body());
        Matcher code = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        assertTrue(code.find(), created.body());
        assertEquals("302", curl(OUTSIDE, edge + "/" + code.group(1)).status());

        // Instance endpoints and the backup API stay inside even through the way in.
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/api/backups")) {
            Reply reply = curl(OUTSIDE, "-H", "Authorization: Bearer " + BACKUP_TOKEN, edge + path);
            assertTrue(reply.status().equals("404") || reply.status().equals("401"), path + " answered " + reply.status());
        }

        // Every address of every other host, on the ports anything here listens on: nothing answers.
        int probes = 0;
        List<String> reachable = new ArrayList<>();
        for (var host : net.addresses().entrySet()) {
            if (host.getKey().equals(OUTSIDE)) {
                continue;
            }
            for (var attachment : host.getValue().entrySet()) {
                for (int port : PROBED_PORTS) {
                    probes++;
                    if (net.canConnect(OUTSIDE, attachment.getValue(), port)) {
                        reachable.add(host.getKey() + "@" + attachment.getKey() + ":" + port);
                    }
                }
            }
        }
        assertEquals(List.of("nginx@" + PUBLISHED + ":" + DeploymentModel.NGINX_PORT), reachable, "reachable from outside");
        ReliabilityReport.record("network isolation: ports reachable from outside (production topology in netns)",
                probes + " address:port probes", (reachable.size() - 1) + " besides Nginx", "n/a");
    }

    @Test
    void theBackendIsReachableOnlyFromTheServicesAttachedToIt() {
        // Positive controls: the attached services do reach PostgreSQL and Redis by name...
        for (String host : List.of("app-1", "app-2", "backup")) {
            assertTrue(net.canConnect(host, "postgres", POSTGRES_PORT), host + " reaches postgres");
        }
        assertTrue(net.canConnect("app-1", "redis", REDIS_PORT), "app-1 reaches redis");
        assertTrue(net.canConnect("app-2", "redis-cache", REDIS_PORT), "app-2 reaches redis-cache");
        // ...while Nginx, on the frontend network only, reaches the app instances and nothing behind them.
        assertTrue(net.canConnect("nginx", "app-1", DeploymentModel.APP_PORT));
        for (var attachment : net.addresses().get("postgres").entrySet()) {
            assertFalse(net.canConnect("nginx", attachment.getValue(), POSTGRES_PORT), "nginx must not reach PostgreSQL");
        }
        for (String redis : List.of("redis", "redis-cache")) {
            for (var attachment : net.addresses().get(redis).entrySet()) {
                assertFalse(net.canConnect("nginx", attachment.getValue(), REDIS_PORT), "nginx must not reach " + redis);
            }
        }
        for (var attachment : net.addresses().get("backup").entrySet()) {
            assertFalse(net.canConnect("nginx", attachment.getValue(), 8080), "nginx must not reach the backup API");
        }
    }

    @Test
    void theBackupServiceBacksUpThroughTheBackendNetwork() {
        // As `docker compose exec backup ...`: the API is used from inside the backup container.
        Reply triggered = curl("backup", "-X", "POST", "-H", "Authorization: Bearer " + BACKUP_TOKEN, "http://127.0.0.1:8080/api/backups");
        assertEquals("202", triggered.status(), triggered.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String list = "";
        while (System.nanoTime() < deadline && !list.contains("\"SUCCEEDED\"") && !list.contains("succeeded")) {
            Processes.sleep(300);
            list = curl("backup", "-H", "Authorization: Bearer " + BACKUP_TOKEN, "http://127.0.0.1:8080/api/backups").body();
        }
        assertTrue(list.toLowerCase().contains("succeeded"), list);
    }

    /** The WAL archive as the deployment runs it: replication connections as the replication role, restore points as the backup role. */
    @Test
    void theBackupServiceArchivesWalAsTheReplicationRole() {
        String api = "http://127.0.0.1:8080/api/pitr/";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String wal = "";
        while (System.nanoTime() < deadline && !wal.contains("\"running\":true")) {
            Processes.sleep(300);
            wal = curl("backup", "-H", "Authorization: Bearer " + BACKUP_TOKEN, api + "wal").body();
        }
        assertTrue(wal.contains("\"running\":true"), wal);
        Reply base = curl("backup", "--max-time", "120", "-X", "POST", "-H", "Authorization: Bearer " + BACKUP_TOKEN, api + "base-backups");
        assertEquals("201", base.status(), base.body());
        Reply point = curl("backup", "-X", "POST", "-H", "Authorization: Bearer " + BACKUP_TOKEN, "-H", "Content-Type: application/json",
                "-d", "{\"name\":\"isolation_point\"}", api + "restore-points");
        assertEquals("201", point.status(), point.body());
    }

    private static void startPostgres() throws IOException {
        // Initialise on loopback (the harness talks JDBC there), then serve the same cluster inside the namespace.
        postgres = PostgresServer.installed().start();
        // The roles the postgres container's init script creates, from that container's own environment.
        Map<String, String> env = resolve(MODEL.service("postgres").environment());
        new DatabaseRoles(env.get("DB_NAME"), env.get("DB_OWNER_USER"), env.get("DB_OWNER_PASSWORD"), env.get("DB_USER"), env.get("DB_PASSWORD"),
                env.get("BACKUP_DB_USER"), env.get("BACKUP_DB_PASSWORD"), env.get("BACKUP_REPLICATION_USER"), env.get("BACKUP_REPLICATION_PASSWORD"))
                .createOn(postgres);
        postgres.stop();
        // The container's server arguments and its generated pg_hba file (copied where the server's user can read it).
        Path hba = Files.copy(Repository.root().resolve(WalArchiving.HBA_PATH), workDir.resolve(WalArchiving.HBA_NAME));
        postgres.startInside(net.exec("postgres"), "0.0.0.0", POSTGRES_PORT, WalArchiving.serverSettings(hba.toString()));
    }

    private static void startRedis(String host) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve(host));
        daemons.add(new ProcessBuilder(net.inside(host, List.of("redis-server", "--port", String.valueOf(REDIS_PORT), "--bind", "0.0.0.0",
                "--protected-mode", "no", "--requirepass", ENV_FILE.get("REDIS_PASSWORD"), "--dir", dir.toString(), "--save", "",
                "--appendonly", "yes"))).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start());
        awaitPortInside(host, REDIS_PORT);
    }

    private static void startNginx() throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("nginx"));
        dir.toFile().setWritable(true, false);
        List<String> upstreams = new ArrayList<>();
        for (int i = 1; i <= DeploymentModel.APP_INSTANCES; i++) {
            upstreams.add(DeploymentModel.appInstanceName(i) + ":" + DeploymentModel.APP_PORT);
        }
        Path config = dir.resolve("nginx.conf");
        Files.writeString(config, NginxConfig.render(new NginxConfig.Site(DeploymentModel.NGINX_PORT, upstreams, dir.toString(),
                dir.resolve("access.log").toString(), dir.resolve("error.log").toString()), ""));
        daemons.add(new ProcessBuilder(net.inside("nginx", List.of("nginx", "-c", config.toString(), "-g", "daemon off;")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start());
        awaitPortInside("nginx", DeploymentModel.NGINX_PORT);
    }

    private static void awaitReadyInside(ServiceProcess service) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String name = hostOf(service);
        while (System.nanoTime() < deadline) {
            if (!service.process().isAlive()) {
                throw new IllegalStateException(name + " exited:\n" + service.log());
            }
            if (curl(name, "http://127.0.0.1:8080/q/health/ready").status().equals("200")) {
                return;
            }
            Processes.sleep(300);
        }
        throw new IllegalStateException(name + " not ready:\n" + service.log());
    }

    private static String hostOf(ServiceProcess service) {
        int index = services.indexOf(service);
        return index < DeploymentModel.APP_INSTANCES ? DeploymentModel.appInstanceName(index + 1) : "backup";
    }

    private static void awaitPortInside(String host, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (net.canConnect(host, "127.0.0.1", port)) {
                return;
            }
            Processes.sleep(100);
        }
        throw new IllegalStateException(host + ": nothing listens on " + port);
    }

    /** The service's Compose environment with the .env file's values in place of its ${...} references. */
    private static Map<String, String> resolve(Map<String, String> environment) {
        Map<String, String> resolved = new HashMap<>();
        Pattern reference = Pattern.compile("\\$\\{([A-Z_]+)(?::[-?]([^}]*))?}");
        environment.forEach((name, value) -> {
            Matcher matcher = reference.matcher(value);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String replacement = ENV_FILE.getOrDefault(matcher.group(1), matcher.group(0).contains(":-") ? matcher.group(2) : null);
                if (replacement == null) {
                    throw new IllegalStateException("no test value for required " + matcher.group(1));
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            matcher.appendTail(out);
            resolved.put(name, out.toString());
        });
        return resolved;
    }

    record Reply(String status, String body) {
    }

    /** curl run inside a host: the status code and the body; "000" when nothing answered. */
    private static Reply curl(String host, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "5", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(net.inside(host, command)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            process.waitFor(15, TimeUnit.SECONDS);
            int split = out.lastIndexOf('\n');
            return new Reply(out.substring(split + 1).trim(), split < 0 ? "" : out.substring(0, split));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
