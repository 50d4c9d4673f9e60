package dev.linkstack.bench;

import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ServiceProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.linkstack.bench.BenchRun.mb;
import static dev.linkstack.bench.BenchRun.min;
import static dev.linkstack.bench.BenchRun.step;

/**
 * Benchmarks 2, 3 and 5 (backup-service part), and 4 through {@link RestoreBenchmark}: backup-service start-up and
 * footprint on a small pgbench database; with the backup section, backups of a big one against pg_dump | gzip and
 * pg_dump | zstd, and the peak memory of a big backup against a small one.
 */
final class BackupBenchmark {
    private static final String DUMP_FLAGS = "--format=plain --clean --if-exists --no-password";

    private final BenchRun run;
    private final Sizes sizes;
    private final PostgresServer postgres;
    private final Map<String, String> pgEnv;
    private final String bin = BackupServiceApi.PG_BIN.toString();
    private final PackagedService backupJar;
    /** The same jar on this JVM (JDK 17) with AppCDS, measured beside the Java 25 one when they differ. */
    private final PackagedService backupJdk17;
    private final PackagedService backupNative;

    BackupBenchmark(BenchRun run, PostgresServer postgres) {
        this.run = run;
        this.sizes = run.sizes;
        this.postgres = postgres;
        this.pgEnv = Map.of("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD, "PGHOST", "127.0.0.1",
                "PGPORT", String.valueOf(postgres.port()), "PGUSER", PostgresServer.SUPERUSER);
        Path backupModule = run.root.resolve("backup-service");
        this.backupJdk17 = PackagedService.jvm(backupModule);
        this.backupJar = ServiceJvm.of(backupJdk17);
        this.backupNative = PackagedService.nativeBuilt(backupModule) ? PackagedService.nativeExecutable(backupModule) : null;
    }

    /** The small database's backup with the JVM build: its time and peak RSS, the baseline of benchmark 3. */
    private record SmallBackup(long millis, long peakKb) {
    }

    void measure() throws Exception {
        postgres.execute("postgres", "CREATE DATABASE pgbench_small", "CREATE DATABASE pgbench_big");
        step("pgbench databases (scale " + sizes.smallScale() + " and " + sizes.bigScale() + ")");
        Support.timedShell(bin + "/pgbench -i -q -I dtGvp -s " + sizes.smallScale() + " pgbench_small", pgEnv, Duration.ofMinutes(10));
        boolean backups = run.wants("backup");
        if (backups) {
            long initMs = Support.timedShell(bin + "/pgbench -i -q -I dtGvp -s " + sizes.bigScale() + " pgbench_big", pgEnv, Duration.ofMinutes(30));
            System.out.printf(Locale.ROOT, "  pgbench_big initialised in %.1f s%n", initMs / 1000.0);
        }
        long smallBytes = databaseSize("pgbench_small");
        long bigBytes = databaseSize("pgbench_big");

        // backup-service start-up (JVM), against the small database: the AOT cache's training run first (a backup).
        Path smallDir = Files.createDirectories(run.work.resolve("backups-small"));
        Map<String, String> smallEnv = BackupServiceApi.environment(postgres, "pgbench_small", smallDir);
        ServiceJvm.train(backupJar, "bench-backup", smallEnv, training -> BackupServiceApi.backup(training, "gzip", smallDir));
        boolean compareJdk17 = backupJar.javaFeatureVersion() != backupJdk17.javaFeatureVersion();
        List<Startups.Started> starts = Startups.interleaved(sizes, compareJdk17 ? List.of(backupJar, backupJdk17) : List.of(backupJar),
                List.of("bench-backup-small", "bench-backup-small-jdk17"), smallEnv, 1);
        Startups.Started smallStarted = starts.get(0);
        ServiceProcess small = smallStarted.process();
        try {
            if (compareJdk17) {
                try (ServiceProcess jdk17 = starts.get(1).process()) {
                    BackupServiceApi.backup(jdk17, "gzip", smallDir);
                    BackupServiceApi.backup(jdk17, "gzip", smallDir);
                    double rssMb = Support.procStatusKb(jdk17.process().pid(), "VmRSS") / 1024.0;
                    run.startup().put("backup_service_jdk17", footprint(starts.get(1), rssMb));
                    jvmTargets(starts.get(1), rssMb);
                }
            }
            SmallBackup smallBackup = startupAndSmallBackup(smallStarted, smallDir);
            if (backupNative != null) {
                nativeStartup();
            }
            if (backups) {
                bigBackups(smallBytes, bigBytes, smallBackup);
            }
        } finally {
            small.close();
        }
    }

    /** Backup memory, small database: one warm-up backup, then the measured one; then the JVM build's footprint. */
    private SmallBackup startupAndSmallBackup(Startups.Started started, Path dir) {
        ServiceProcess small = started.process();
        BackupServiceApi.backup(small, "gzip", dir);
        Support.resetPeakRss(small.process().pid());
        long smallBackupMs = BackupServiceApi.backup(small, "gzip", dir).millis();
        long smallPeakKb = Support.procStatusKb(small.process().pid(), "VmHWM");
        double rssAfterMb = Support.procStatusKb(small.process().pid(), "VmRSS") / 1024.0;
        run.startup().put("backup_service", footprint(started, rssAfterMb));
        jvmTargets(started, rssAfterMb);
        return new SmallBackup(smallBackupMs, smallPeakKb);
    }

    /** Java 25 with the AOT cache: ready within 0.6 s; JDK 17 with AppCDS (or 25 without a cache): 1.5 s; RSS 250 MB. */
    private void jvmTargets(Startups.Started started, double rssMb) {
        long readyMs = started.readyMedianMs();
        boolean aot = started.aotCache();
        run.target("start-up: backup-service ready (" + started.jvm() + ")", readyMs, "ms", aot ? "<= 600" : "< 1500", aot ? readyMs <= 600 : readyMs < 1500);
        run.target("footprint: backup-service RSS after backups (" + started.jvm() + ")", rssMb, "MB", "< 250", rssMb < 250);
    }

    private void nativeStartup() throws Exception {
        Path nativeDir = Files.createDirectories(run.work.resolve("backups-small-native"));
        Startups.Started started = Startups.startRepeatedly(sizes, backupNative, "bench-backup-small-native",
                BackupServiceApi.environment(postgres, "pgbench_small", nativeDir), 1);
        ServiceProcess smallNative = started.process();
        try {
            BackupServiceApi.backup(smallNative, "gzip", nativeDir);
            BackupServiceApi.backup(smallNative, "gzip", nativeDir);
            double nativeRssMb = Support.procStatusKb(smallNative.process().pid(), "VmRSS") / 1024.0;
            run.startup().put("backup_service_native", footprint(started, nativeRssMb));
            run.target("start-up: backup-service ready (native)", started.readyMedianMs(), "ms", "<= 100", started.readyMedianMs() <= 100);
            run.target("footprint: backup-service RSS after backups (native)", nativeRssMb, "MB", "<= 80", nativeRssMb <= 80);
        } finally {
            smallNative.close();
        }
    }

    /** Every round's figures of the big database's backups. */
    private static final class Rounds {
        final List<Long> dumpOnly = new ArrayList<>();
        final List<Long> rawGzip = new ArrayList<>();
        final List<Long> svcGzip = new ArrayList<>();
        final List<Long> rawZstd = new ArrayList<>();
        final List<Long> svcZstd = new ArrayList<>();
        final List<Long> nativeGzip = new ArrayList<>();
        final List<Long> nativeZstd = new ArrayList<>();
        BackupServiceApi.ServiceBackup lastNativeGzip;
        BackupServiceApi.ServiceBackup lastGzip;
        BackupServiceApi.ServiceBackup lastZstd;
        long rawGzipBytes;
        long rawZstdBytes;
        long bigPeakKb;
    }

    private void bigBackups(long smallBytes, long bigBytes, SmallBackup smallBackup) throws Exception {
        Path bigDir = Files.createDirectories(run.work.resolve("backups-big"));
        Path rawDir = Files.createDirectories(run.work.resolve("raw"));
        ServiceProcess big = Support.launch(backupJar, "bench-backup-big", BackupServiceApi.environment(postgres, "pgbench_big", bigDir));
        Path bigNativeDir = Files.createDirectories(run.work.resolve("backups-big-native"));
        ServiceProcess bigNative = null;
        try {
            Support.awaitOk(big.process(), big.baseUrl() + "/q/health/ready", System.nanoTime(), Duration.ofSeconds(120), big.log());
            if (backupNative != null) {
                bigNative = Support.launch(backupNative, "bench-backup-big-native", BackupServiceApi.environment(postgres, "pgbench_big", bigNativeDir));
                Support.awaitOk(bigNative.process(), bigNative.baseUrl() + "/q/health/ready", System.nanoTime(), Duration.ofSeconds(120),
                        bigNative.log());
            }
            step("backups of pgbench_big (" + mb(bigBytes) + " MB), " + sizes.backupRounds() + " round(s)");
            Rounds rounds = new Rounds();
            for (int round = 1; round <= sizes.backupRounds(); round++) {
                backupRound(round, rounds, rawDir, big, bigDir, bigNative, bigNativeDir);
            }
            reportBackups(rounds, bigBytes, bigNative != null);
            reportMemory(smallBytes, bigBytes, smallBackup, rounds.bigPeakKb);
            new RestoreBenchmark(run, postgres, pgEnv).measure(big, rounds.lastGzip, bigNative, rounds.lastNativeGzip);
        } finally {
            big.close();
            if (bigNative != null) {
                bigNative.close();
            }
        }
    }

    private void backupRound(int round, Rounds r, Path rawDir, ServiceProcess big, Path bigDir, ServiceProcess bigNative, Path bigNativeDir)
            throws Exception {
        Path gz = rawDir.resolve("raw.sql.gz");
        Path zst = rawDir.resolve("raw.sql.zst");
        Files.deleteIfExists(gz);
        Files.deleteIfExists(zst);
        // pg_dump alone: the floor under every compressed backup (zstd cannot be faster than this).
        r.dumpOnly.add(Support.timedShell(bin + "/pg_dump " + DUMP_FLAGS + " pgbench_big > /dev/null", pgEnv, Duration.ofMinutes(30)));
        r.rawGzip.add(Support.timedShell(bin + "/pg_dump " + DUMP_FLAGS + " pgbench_big | gzip > " + gz, pgEnv, Duration.ofMinutes(30)));
        r.rawGzipBytes = Files.size(gz);
        Support.resetPeakRss(big.process().pid());
        r.lastGzip = BackupServiceApi.backup(big, "gzip", bigDir);
        r.bigPeakKb = Support.procStatusKb(big.process().pid(), "VmHWM");
        r.svcGzip.add(r.lastGzip.millis());
        r.rawZstd.add(Support.timedShell(bin + "/pg_dump " + DUMP_FLAGS + " pgbench_big | zstd -q > " + zst, pgEnv, Duration.ofMinutes(30)));
        r.rawZstdBytes = Files.size(zst);
        r.lastZstd = BackupServiceApi.backup(big, "zstd", bigDir);
        r.svcZstd.add(r.lastZstd.millis());
        if (bigNative != null) {
            r.lastNativeGzip = BackupServiceApi.backup(bigNative, "gzip", bigNativeDir);
            r.nativeGzip.add(r.lastNativeGzip.millis());
            r.nativeZstd.add(BackupServiceApi.backup(bigNative, "zstd", bigNativeDir).millis());
            System.out.printf(Locale.ROOT, "  round %d, native: gzip %.1f s, zstd %.1f s%n", round, r.nativeGzip.get(round - 1) / 1000.0,
                    r.nativeZstd.get(round - 1) / 1000.0);
        }
        System.out.printf(Locale.ROOT, "  round %d: gzip raw %.1f s, service %.1f s; zstd raw %.1f s, service %.1f s%n", round,
                r.rawGzip.get(round - 1) / 1000.0, r.svcGzip.get(round - 1) / 1000.0, r.rawZstd.get(round - 1) / 1000.0, r.svcZstd.get(round - 1) / 1000.0);
    }

    private void reportBackups(Rounds r, long bigBytes, boolean withNative) {
        long rg = min(r.rawGzip);
        long sg = min(r.svcGzip);
        long rz = min(r.rawZstd);
        long sz = min(r.svcZstd);
        Map<String, Object> backup = new LinkedHashMap<>();
        backup.put("database_mb", mb(bigBytes));
        backup.put("pgbench_scale", sizes.bigScale());
        backup.put("pg_dump_flags", DUMP_FLAGS);
        backup.put("pg_dump_to_dev_null_ms_runs", r.dumpOnly);
        backup.put("pg_dump_to_dev_null_ms", min(r.dumpOnly));
        backup.put("raw_gzip_ms_runs", r.rawGzip);
        backup.put("service_gzip_ms_runs", r.svcGzip);
        backup.put("raw_zstd_ms_runs", r.rawZstd);
        backup.put("service_zstd_ms_runs", r.svcZstd);
        backup.put("raw_gzip_ms", rg);
        backup.put("service_gzip_ms", sg);
        backup.put("raw_zstd_ms", rz);
        backup.put("service_zstd_ms", sz);
        backup.put("ratio_gzip_service_over_raw", Support.round((double) sg / rg, 3));
        backup.put("ratio_zstd_service_over_raw", Support.round((double) sz / rz, 3));
        backup.put("service_gzip_over_zstd", Support.round((double) sg / sz, 2));
        backup.put("raw_gzip_mb", mb(r.rawGzipBytes));
        backup.put("service_gzip_mb", mb(r.lastGzip.bytes()));
        backup.put("raw_zstd_mb", mb(r.rawZstdBytes));
        backup.put("service_zstd_mb", mb(r.lastZstd.bytes()));
        if (withNative) {
            backup.put("native_gzip_ms_runs", r.nativeGzip);
            backup.put("native_zstd_ms_runs", r.nativeZstd);
            backup.put("ratio_gzip_native_over_raw", Support.round((double) min(r.nativeGzip) / rg, 3));
            backup.put("ratio_zstd_native_over_raw", Support.round((double) min(r.nativeZstd) / rz, 3));
            run.target("backup: gzip native service/raw", (double) min(r.nativeGzip) / rg, "", "<= 1.05", (double) min(r.nativeGzip) / rg <= 1.05);
            run.target("backup: zstd native service/raw", (double) min(r.nativeZstd) / rz, "", "<= 1.05", (double) min(r.nativeZstd) / rz <= 1.05);
        }
        run.results.put("backup", backup);
        run.target("backup: gzip service/raw", (double) sg / rg, "", "<= 1.05", (double) sg / rg <= 1.05);
        run.target("backup: zstd service/raw", (double) sz / rz, "", "<= 1.05", (double) sz / rz <= 1.05);
        // zstd compresses faster than pg_dump writes, so "zstd 2x faster than gzip" measured pg_dump, not the service:
        // the target is that compressing costs next to nothing over pg_dump on its own.
        long dump = min(r.dumpOnly);
        backup.put("ratio_zstd_service_over_pg_dump_alone", Support.round((double) sz / dump, 3));
        run.target("backup: zstd service / pg_dump > /dev/null", (double) sz / dump, "", "<= 1.1", (double) sz / dump <= 1.1);
    }

    private void reportMemory(long smallBytes, long bigBytes, SmallBackup small, long bigPeakKb) {
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("small_database_mb", mb(smallBytes));
        memory.put("big_database_mb", mb(bigBytes));
        memory.put("peak_rss_small_backup_mb", Support.round(small.peakKb() / 1024.0, 1));
        memory.put("small_backup_ms", small.millis());
        memory.put("peak_rss_big_backup_mb", Support.round(bigPeakKb / 1024.0, 1));
        double diffMb = (bigPeakKb - small.peakKb()) / 1024.0;
        memory.put("difference_mb", Support.round(diffMb, 1));
        run.results.put("memory", memory);
        run.target("backup memory: peak RSS big - small", diffMb, "MB", "< 20", diffMb < 20);
    }

    private static Map<String, Object> footprint(Startups.Started started, double rssAfterMb) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jvm", started.jvm());
        figures.put("first_start_ms", started.firstMs());
        figures.put("ready_ms_runs", started.readyMs());
        figures.put("ready_ms", started.readyMedianMs());
        figures.put("cpu_ms_at_ready_runs", started.cpuMs());
        figures.put("cpu_ms_at_ready", started.cpuMedianMs());
        figures.put("rss_ready_mb", Support.round(started.rssReadyMb(), 1));
        figures.put("rss_after_two_small_backups_mb", Support.round(rssAfterMb, 1));
        return figures;
    }

    private long databaseSize(String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_database_size('" + database + "')")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
