package dev.linkstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ServiceProcess;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.linkstack.bench.BenchRun.mb;
import static dev.linkstack.bench.BenchRun.step;

/**
 * Benchmark 7: a point-in-time restore of a pgbench database (the backup benchmark's scale, about 1 GB in a full run)
 * through backup-service, against the same done by hand from the same base backup and WAL archive (tar, gunzip,
 * {@code restore_command}); each timed from the first command until the restored server has replayed to the target
 * time and promoted, and each checked against the source's row count at that time.
 */
final class PitrRestoreBenchmark {
    private static final String DATABASE = "pgbench_pitr";
    private final BenchRun run;
    private final Path bin = BackupServiceApi.PG_BIN;

    PitrRestoreBenchmark(BenchRun run) {
        this.run = run;
    }

    void measure() throws Exception {
        try (PostgresServer primary = PostgresServer.installed().durableWithReplication().start()) {
            Map<String, String> pgEnv = Map.of("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD, "PGHOST", "127.0.0.1",
                    "PGPORT", String.valueOf(primary.port()), "PGUSER", PostgresServer.SUPERUSER);
            primary.execute("postgres", "CREATE DATABASE " + DATABASE);
            step("point-in-time restore (pgbench scale " + run.sizes.bigScale() + ", durable server, WAL archived by backup-service)");
            Support.timedShell(bin + "/pgbench -i -q -I dtGvp -s " + run.sizes.bigScale() + " " + DATABASE, pgEnv, Duration.ofMinutes(30));
            Path backups = Files.createDirectories(run.work.resolve("backups-pitr"));
            Map<String, String> env = new LinkedHashMap<>(BackupServiceApi.environment(primary, DATABASE, backups));
            env.put("BACKUP_WAL_ENABLED", "true");
            // The restored servers' data directories are the harness' temporary directories.
            env.put("BACKUP_PITR_RESTORE_ROOT", Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString());
            try (ServiceProcess service = ServiceProcess.start(ServiceJvm.of(PackagedService.jvm(run.root.resolve("backup-service"))), "bench-backup-pitr", env)) {
                awaitReceiver(service);
                Support.Reply base = Support.send(BackupServiceApi.authorized(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/pitr/base-backups"))
                                .POST(HttpRequest.BodyPublishers.noBody())),
                        Duration.ofMinutes(30));
                if (base.status() != 201) {
                    throw new IllegalStateException("base backup: " + base.status() + " " + base.body());
                }
                String baseId = base.json().get("id").asText();
                int seconds = run.smoke ? 2 : 10;
                Support.timedShell(bin + "/pgbench -n -N -c 2 -j 2 -T " + seconds + " " + DATABASE, pgEnv, Duration.ofMinutes(5));
                Instant target = Instant.now().truncatedTo(ChronoUnit.MICROS);
                long rowsAtTarget = history(primary.jdbcUrl(DATABASE));
                Processes.sleep(50);
                Support.timedShell(bin + "/pgbench -n -N -c 2 -j 2 -T " + Math.max(1, seconds / 2) + " " + DATABASE, pgEnv, Duration.ofMinutes(5));
                primary.execute("postgres", "SELECT pg_switch_wal()");
                awaitArchived(backups.resolve("wal"), primary);

                PostgresServer bySvc = PostgresServer.installed().durableWithReplication();
                PostgresServer byHand = PostgresServer.installed().durableWithReplication();
                try {
                    long start = System.nanoTime();
                    Support.Reply restored = Support.send(BackupServiceApi.authorized(Support.postJson(service.baseUrl() + "/api/pitr/restore",
                            Map.of("directory", bySvc.dataDir().toString(), "target", target.toString()))), Duration.ofMinutes(60));
                    if (restored.status() != 200) {
                        throw new IllegalStateException("point-in-time restore: " + restored.status() + " " + restored.body());
                    }
                    start(bySvc);
                    long serviceRows = awaitPromotedAndCount(bySvc);
                    long serviceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    bySvc.stop();

                    start = System.nanoTime();
                    restoreByHand(backups.resolve("base").resolve(baseId), backups.resolve("wal"), byHand.dataDir(), target);
                    start(byHand);
                    long handRows = awaitPromotedAndCount(byHand);
                    long handMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

                    if (serviceRows != rowsAtTarget || handRows != rowsAtTarget) {
                        run.problem("point-in-time restore: pgbench_history at the target has " + rowsAtTarget + " rows, the service's restore "
                                + serviceRows + ", the one by hand " + handRows);
                    }
                    report(baseId, backups.resolve("base").resolve(baseId), serviceMs, handMs, rowsAtTarget);
                } finally {
                    bySvc.close();
                    byHand.close();
                }
            }
        }
    }

    /**
     * What an operator would do with the same files: both tarballs into a new directory, every archived segment
     * decompressed where {@code restore_command} finds it (the segment still being received under its full name),
     * recovery to the target time, then start the server.
     */
    private void restoreByHand(Path base, Path wal, Path dataDir, Instant target) {
        String script = String.join("\n",
                "set -e",
                "shopt -s nullglob",
                "mkdir -p '" + dataDir + "/pg_wal' '" + dataDir + "/pitr_wal'",
                "tar -xzf '" + base + "/base.tar.gz' -C '" + dataDir + "'",
                "tar -xzf '" + base + "/pg_wal.tar.gz' -C '" + dataDir + "/pg_wal'",
                "cd '" + wal + "'",
                "for f in *.gz; do gunzip -c \"$f\" > '" + dataDir + "/pitr_wal/'\"${f%.gz}\"; done",
                "for f in *.partial; do cp \"$f\" '" + dataDir + "/pitr_wal/'\"${f%.partial}\"; done",
                "for f in [0-9A-F]*; do case \"$f\" in *.gz|*.partial) ;; *) if [ -f \"$f\" ]; then cp \"$f\" '" + dataDir + "/pitr_wal/'; fi;; esac; done",
                "touch '" + dataDir + "/recovery.signal'",
                "cat >> '" + dataDir + "/postgresql.auto.conf' <<'EOF'",
                "restore_command = 'test -f pitr_wal/%f && cp pitr_wal/%f %p'",
                "recovery_target_time = '" + target.toString().replace('T', ' ').replace("Z", "+00") + "'", // PostgreSQL's form
                "recovery_target_action = 'promote'",
                "recovery_target_timeline = 'latest'",
                "EOF");
        Support.timedShell(script, Map.of(), Duration.ofMinutes(60));
    }

    private void report(String baseId, Path base, long serviceMs, long handMs, long rows) throws Exception {
        long baseBytes;
        try (var files = Files.list(base)) {
            baseBytes = files.mapToLong(file -> file.toFile().length()).sum();
        }
        Map<String, Object> pitr = new LinkedHashMap<>();
        pitr.put("pgbench_scale", run.sizes.bigScale());
        pitr.put("base_backup", baseId);
        pitr.put("base_backup_mb", mb(baseBytes));
        pitr.put("pgbench_history_rows_at_target", rows);
        pitr.put("by_hand_ms", handMs);
        pitr.put("service_ms", serviceMs);
        double ratio = (double) serviceMs / handMs;
        pitr.put("ratio_service_over_by_hand", Support.round(ratio, 3));
        run.results.put("pitr_restore", pitr);
        System.out.printf(Locale.ROOT, "  point-in-time restore: by hand %.1f s, service %.1f s%n", handMs / 1000.0, serviceMs / 1000.0);
        run.target("point-in-time restore: service / by hand", ratio, "", "<= 1.1", ratio <= 1.1);
    }

    private static void start(PostgresServer restored) {
        try {
            restored.startOnPreparedData();
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + restored.log(), e);
        }
    }

    private void awaitReceiver(ServiceProcess service) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode wal = Support.send(BackupServiceApi.authorized(Support.get(service.baseUrl() + "/api/pitr/wal")), Duration.ofSeconds(10)).json();
            if (wal.path("receiver").path("running").asBoolean()) {
                return;
            }
            Processes.sleep(200);
        }
        throw new IllegalStateException("pg_receivewal does not run:\n" + service.log());
    }

    /** Until the segment the server is writing now is in the archive, at least as its .partial. */
    private static void awaitArchived(Path wal, PostgresServer primary) throws Exception {
        String current;
        try (Connection connection = DriverManager.getConnection(primary.jdbcUrl("postgres"), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
            rs.next();
            current = rs.getString(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(wal)) {
                if (files.anyMatch(file -> file.getFileName().toString().compareTo(current) >= 0)) {
                    return;
                }
            }
            Processes.sleep(100);
        }
        throw new IllegalStateException("segment " + current + " never reached the archive");
    }

    private static long awaitPromotedAndCount(PostgresServer restored) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Connection connection = DriverManager.getConnection(restored.jdbcUrl(DATABASE), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
                 Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return history(restored.jdbcUrl(DATABASE));
                }
            } catch (SQLException starting) {
                // still starting up or replaying: not accepting connections yet
            }
            Processes.sleep(50);
        }
        throw new IllegalStateException("the restored server never promoted:\n" + restored.log());
    }

    private static long history(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT count(*) FROM pgbench_history")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
