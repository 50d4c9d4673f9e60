package dev.linkstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ServiceProcess;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.linkstack.bench.BenchRun.mb;

/** Benchmark 4: restoring the big gzip backup through the service against gunzip | psql, with the same row counts. */
final class RestoreBenchmark {
    private final BenchRun run;
    private final PostgresServer postgres;
    private final Map<String, String> pgEnv;

    RestoreBenchmark(BenchRun run, PostgresServer postgres, Map<String, String> pgEnv) {
        this.run = run;
        this.postgres = postgres;
        this.pgEnv = pgEnv;
    }

    void measure(ServiceProcess big, BackupServiceApi.ServiceBackup backup, ServiceProcess bigNative, BackupServiceApi.ServiceBackup nativeBackup)
            throws Exception {
        BenchRun.step("restore of " + backup.id() + " (" + mb(backup.bytes()) + " MB gzip)");
        Path file = Path.of(backup.file());
        String bin = BackupServiceApi.PG_BIN.toString();
        long rawMs = Support.timedShell(bin + "/createdb restore_raw && gunzip -c " + file + " | " + bin
                + "/psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d restore_raw > /dev/null", pgEnv, Duration.ofMinutes(60));
        long start = System.nanoTime();
        Support.Reply reply = BackupServiceApi.restore(big, backup, "restore_svc");
        long svcMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Long nativeMs = null;
        if (bigNative != null) {
            long nativeStart = System.nanoTime();
            Support.Reply nativeReply = BackupServiceApi.restore(bigNative, nativeBackup, "restore_native");
            nativeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nativeStart);
            if (!nativeReply.json().get("tables").equals(reply.json().get("tables"))) {
                run.problem("native restore reports other row counts: " + nativeReply.body() + " vs " + reply.body());
            }
            postgres.execute("postgres", "DROP DATABASE restore_native");
        }
        Map<String, Long> source = rowCounts("pgbench_big");
        long countStart = System.nanoTime(); // the first scan after a bulk load: what the service adds to report row counts
        Map<String, Long> raw = rowCounts("restore_raw");
        long rawCountMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - countStart);
        Map<String, Long> svc = new TreeMap<>();
        for (JsonNode table : reply.json().get("tables")) {
            svc.put(table.get("table").asText(), table.get("rows").asLong());
        }
        if (!source.equals(raw) || !source.equals(svc)) {
            run.problem("restored row counts differ: source " + source + ", raw " + raw + ", service " + svc);
        }
        postgres.execute("postgres", "DROP DATABASE restore_raw", "DROP DATABASE restore_svc");
        Map<String, Object> restore = new LinkedHashMap<>();
        restore.put("file_mb", mb(backup.bytes()));
        restore.put("raw_gunzip_psql_ms", rawMs);
        restore.put("service_ms", svcMs);
        restore.put("ratio_service_over_raw", Support.round((double) svcMs / rawMs, 3));
        restore.put("row_count_after_raw_restore_ms", rawCountMs);
        restore.put("ratio_service_over_raw_plus_row_count", Support.round((double) svcMs / (rawMs + rawCountMs), 3));
        restore.put("rows", source);
        if (nativeMs != null) {
            restore.put("native_service_ms", nativeMs);
            restore.put("ratio_native_over_raw", Support.round((double) nativeMs / rawMs, 3));
            run.target("restore: native service/raw", (double) nativeMs / rawMs, "", "<= 1.05", (double) nativeMs / rawMs <= 1.05);
        }
        run.results.put("restore", restore);
        run.target("restore: service/raw", (double) svcMs / rawMs, "", "<= 1.05", (double) svcMs / rawMs <= 1.05);
    }

    private Map<String, Long> rowCounts(String database) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(database), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement()) {
            for (String table : List.of("pgbench_accounts", "pgbench_branches", "pgbench_history", "pgbench_tellers")) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }
}
