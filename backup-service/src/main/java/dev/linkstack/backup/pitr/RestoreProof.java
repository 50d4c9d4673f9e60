package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.postgres.PgClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The proof that point-in-time recovery works, not just that its files exist: restores the newest fitting base backup
 * and the archived WAL to a target into a scratch directory (see {@link PointInTimeRestore}), starts PostgreSQL on it
 * ({@link ScratchServer}), waits until recovery has reached the target and promoted, counts the rows of the tables and
 * runs the probe query, then stops the server and removes the directory, whatever happened. Every result is kept
 * (the newest {@value #KEPT}), a failed one raises an alert, and the metrics show the last success. One runs at a time.
 */
@Singleton
public class RestoreProof {
    private static final Logger LOG = Logger.getLogger(RestoreProof.class);
    static final int KEPT = 50;
    private static final String RESTORE_POINT_PREFIX = "restore-point:";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String COUNT_ROWS = "SELECT coalesce(array_to_json(array_agg(json_build_object('schema', table_schema, 'table', table_name,"
            + " 'rows', (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]"
            + "::text::bigint) ORDER BY table_schema, table_name)), '[]') FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            + " AND table_schema NOT IN ('pg_catalog', 'information_schema')";

    private final BackupConfig config;
    private final PointInTimeRestore restore;
    private final PgClients clients;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
    private final AtomicLong lastSuccessDurationMillis = new AtomicLong();
    private final List<Meter> meters = new ArrayList<>();

    @Inject
    public RestoreProof(BackupConfig config, PointInTimeRestore restore, PgClients clients, Alerts alerts, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.restore = restore;
        this.clients = clients;
        this.alerts = alerts;
        this.registry = registry;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        meters.add(Gauge.builder("backup.pitr.proof.last.success.timestamp", lastSuccessEpochSeconds, AtomicLong::get).baseUnit("seconds")
                .description("When the newest successful proof of a point-in-time restore started (Unix time); 0 none yet").register(registry));
        meters.add(Gauge.builder("backup.pitr.proof.last.success.duration", lastSuccessDurationMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("How long the newest successful proof of a point-in-time restore took").register(registry));
        try {
            recent().stream().filter(RestoreProofResult::ok).findFirst().ifPresent(this::noteSuccess);
        } catch (PitrRefusal e) {
            LOG.warnf("earlier restore proofs cannot be read: %s", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    @Scheduled(identity = "pitr-proof", cron = "${backup.pitr.proof.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            prove(configuredTarget(config.pitr().proof().target()), "schedule");
        } catch (PitrRefusal e) {
            LOG.errorf("scheduled restore proof did not run: %s", e.getMessage());
            if (e.status() != 409) {
                // A target the proof cannot even start with (BACKUP_PITR_PROOF_TARGET) proves nothing either.
                alerts.pitrFailed("pitr-proof.failed", config.db().name(), config.db().host(), e.getMessage());
            }
        }
    }

    /** "latest", an ISO-8601 time, or "restore-point:NAME" (the configured target of the scheduled proof). */
    public static PointInTimeRestore.Target configuredTarget(String value) {
        return value != null && value.startsWith(RESTORE_POINT_PREFIX)
                ? new PointInTimeRestore.Target(null, value.substring(RESTORE_POINT_PREFIX.length()))
                : new PointInTimeRestore.Target(value, null);
    }

    /**
     * Runs one proof and returns its recorded result (failed or not). Refused with a {@link PitrRefusal} only when the
     * target is malformed (400) or a proof or a point-in-time restore is running already (409).
     */
    public RestoreProofResult prove(PointInTimeRestore.Target target, String trigger) {
        PointInTimeRestore.parseTarget(target);
        if (!running.compareAndSet(false, true)) {
            throw new PitrRefusal(409, "proof_running", "A restore proof is already running");
        }
        try {
            RestoreProofResult result = run(target, trigger);
            record(result);
            return result;
        } finally {
            running.set(false);
        }
    }

    private RestoreProofResult run(PointInTimeRestore.Target target, String trigger) {
        BackupConfig.RestoreProof settings = config.pitr().proof();
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        String id = "proof-" + STAMP.format(startedAt);
        String database = config.db().name();
        Path home = scratchRoot().resolve(id);
        Path data = home.resolve("data");
        String description = target.restorePoint() != null ? "restore point " + target.restorePoint() : target.latestOrTime();
        String error = null;
        String baseBackupId = null;
        Integer walSegments = null;
        ScratchServer.Reached reached = null;
        List<TableRows> tables = null;
        String probe = null;
        List<String> recoveryLog = null;
        ScratchServer server = null;
        try {
            Optional<String> runAs = runAs();
            openForServerUser(scratchRoot(), runAs.isPresent());
            AtomicFiles.createPrivateDirectories(home);
            PointInTimeRestore.Result prepared = restore.restore(data.toString(), target);
            baseBackupId = prepared.baseBackupId();
            walSegments = prepared.walSegments();
            description = prepared.target();
            int major = Integer.parseInt(Files.readString(data.resolve("PG_VERSION")).strip());
            server = ScratchServer.prepare(home, data, ScratchServer.binDirFor(clients, major), runAs);
            server.start();
            reached = server.awaitRecovery(settings.timeout(), database, config.db().user());
            tables = countRows(server, database, config.db().user(), settings.tables());
            Optional<String> query = settings.probeQuery().filter(q -> !q.isBlank());
            if (query.isPresent()) {
                String answer = server.query(database, config.db().user(), query.get());
                if (answer.isEmpty()) {
                    throw new IOException("the probe query returned no row");
                }
                probe = answer.length() > 500 ? answer.substring(0, 500) + "..." : answer;
            }
        } catch (PitrRefusal e) {
            if (e.status() == 409) {
                throw e;
            }
            error = e.getMessage();
        } catch (IOException e) {
            error = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (RuntimeException e) {
            LOG.error("restore proof failed unexpectedly", e);
            error = "unexpected failure: " + e;
        } finally {
            if (server != null) {
                recoveryLog = server.noteworthyLog();
                server.close();
            }
            BaseBackups.deleteTree(home);
        }
        boolean cleanedUp = !Files.exists(home) && (server == null || server.stopped());
        if (error == null && !cleanedUp) {
            error = "the scratch server or directory " + home + " could not be removed";
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Long total = tables == null ? null : tables.stream().mapToLong(TableRows::rows).sum();
        return new RestoreProofResult(id, trigger, error == null, error, description, baseBackupId, walSegments, reached == null ? null : reached.lsn(),
                reached == null ? null : reached.lastTransactionAt(), recoveryLog, database, tables, total, settings.probeQuery().orElse(null), probe,
                startedAt, clock.instant(), millis, home.toString(), cleanedUp);
    }

    /** Rows of every user table, or of the configured ones (each of which must exist at the target). */
    private static List<TableRows> countRows(ScratchServer server, String database, String user, Optional<List<String>> only)
            throws IOException, InterruptedException {
        List<String> wanted = only.orElse(List.of()).stream().map(String::strip).filter(t -> !t.isEmpty())
                .map(t -> t.contains(".") ? t : "public." + t).toList();
        String sql = COUNT_ROWS + (wanted.isEmpty() ? "" : " AND (table_schema || '.' || table_name) IN ("
                + wanted.stream().map(t -> "'" + t.replace("'", "''") + "'").collect(Collectors.joining(", ")) + ")");
        List<TableRows> tables = StoreJson.MAPPER.readValue(server.query(database, user, sql), new TypeReference<List<TableRows>>() {
        });
        TreeSet<String> missing = new TreeSet<>(wanted);
        tables.forEach(t -> missing.remove(t.schema() + "." + t.table()));
        if (!missing.isEmpty()) {
            throw new IOException("table(s) missing at the target: " + String.join(", ", missing));
        }
        return tables;
    }

    /** Recent proofs, newest first. */
    public List<RestoreProofResult> recent() {
        Path dir = recordsDir();
        List<RestoreProofResult> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "proof-*.json")) {
            for (Path file : files) {
                try {
                    found.add(StoreJson.MAPPER.readValue(file.toFile(), RestoreProofResult.class));
                } catch (IOException e) {
                    LOG.warnf("unreadable restore proof %s: %s", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "cannot list " + dir + ": " + e.getMessage());
        }
        found.sort(Comparator.comparing(RestoreProofResult::startedAt).reversed());
        return found;
    }

    /** Whether a proof is running now. */
    public boolean running() {
        return running.get();
    }

    private void record(RestoreProofResult result) {
        if (result.ok()) {
            LOG.infof("restore proof %s: recovered to %s from %s in %d ms, %d rows", result.id(), result.target(), result.baseBackupId(),
                    result.durationMillis(), result.totalRows());
            noteSuccess(result);
        } else {
            LOG.errorf("restore proof %s to %s failed: %s", result.id(), result.target(), result.error());
        }
        Path dir = recordsDir();
        try {
            AtomicFiles.createPrivateDirectories(dir);
            AtomicFiles.write(dir.resolve(result.id() + ".json"), StoreJson.MAPPER.writeValueAsBytes(result));
            List<RestoreProofResult> all = recent();
            for (RestoreProofResult old : all.subList(Math.min(KEPT, all.size()), all.size())) {
                Files.deleteIfExists(dir.resolve(old.id() + ".json"));
            }
        } catch (IOException | PitrRefusal e) {
            LOG.warnf("restore proof %s could not be recorded: %s", result.id(), e.getMessage());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("proofId", result.id());
        details.put("trigger", result.trigger());
        details.put("target", result.target());
        details.put("baseBackupId", result.baseBackupId());
        details.put("error", result.error());
        alerts.restoreProofFinished(result.ok(), result.database(), config.db().host(), details);
    }

    private void noteSuccess(RestoreProofResult result) {
        lastSuccessEpochSeconds.set(result.startedAt().getEpochSecond());
        lastSuccessDurationMillis.set(result.durationMillis());
    }

    /**
     * PostgreSQL refuses to run as root: a root service needs a user to run the scratch server as. Otherwise it runs
     * as the service's own user, and a configured user is not used.
     */
    private Optional<String> runAs() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        Optional<String> user = config.pitr().proof().runAs().filter(u -> !u.isBlank());
        if (user.isEmpty()) {
            throw new IOException("the service runs as root, and PostgreSQL refuses to: set BACKUP_PITR_PROOF_RUN_AS to the user to run the scratch server as");
        }
        return user;
    }

    /**
     * The scratch root, made if missing (0700); when the server runs as another user, it and the records directory
     * around it (when made by the service) become passable for that user (0711), not readable.
     */
    private void openForServerUser(Path root, boolean otherUser) throws IOException {
        AtomicFiles.createPrivateDirectories(root);
        if (otherUser) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            if (root.startsWith(recordsDir())) {
                for (Path dir = root.getParent(); dir.startsWith(recordsDir()); dir = dir.getParent()) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
                }
            }
        }
    }

    private Path recordsDir() {
        return config.dir().resolve("pitr-proofs").toAbsolutePath().normalize();
    }

    private Path scratchRoot() {
        return config.pitr().proof().scratchDir().orElse(recordsDir().resolve("scratch")).toAbsolutePath().normalize();
    }
}
