package dev.linkstack.backup.pitr;

import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.ExternalCommand;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Continuous WAL archiving: runs {@code pg_receivewal} (the client of the server's major version) on a physical
 * replication slot, restarts it with exponential backoff whenever it ends, and gzips each segment it completes. The
 * segment being received stays uncompressed ({@code .partial}, what pg_receivewal resumes after a restart); pg_receivewal
 * fsyncs every completed segment (it runs without {@code --no-sync}), and the gzipped copy is published atomically
 * (fsync, rename) before the plain file is removed.
 */
@Singleton
public class WalReceiver {
    private static final Logger LOG = Logger.getLogger(WalReceiver.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration SLOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RAN_LONG_ENOUGH = Duration.ofSeconds(60);
    private static final Duration STAYED_UP = Duration.ofSeconds(10);
    private static final long HOUSEKEEPING_MILLIS = 1000;

    private final BackupConfig config;
    private final TargetDatabase target;
    private final PostgresTools tools;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Clock clock;
    private final List<Meter> meters = new ArrayList<>();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong slotLagBytes = new AtomicLong(-1);
    private final AtomicLong newestArchivedEpochSeconds = new AtomicLong();
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile Instant downSince;
    private volatile String lastExit;
    private volatile String newestSegment;
    private volatile ExternalCommand.Running current;
    private volatile boolean downAlerted;
    private Thread supervisor;

    @Inject
    public WalReceiver(BackupConfig config, TargetDatabase target, PostgresTools tools, Alerts alerts, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.target = target;
        this.tools = tools;
        this.alerts = alerts;
        this.registry = registry;
        this.clock = clock;
    }

    /** What the receiver is doing, for the API, the health check and the metrics. */
    public record Status(boolean enabled, boolean running, long restarts, Instant downSince, String lastExit, String newestSegment,
                         long slotLagBytes, String slot, String dir) {
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.wal().enabled()) {
            return;
        }
        meters.add(Gauge.builder("backup.wal.receiver.running", () -> running ? 1 : 0)
                .description("1 while pg_receivewal runs").register(registry));
        meters.add(Gauge.builder("backup.wal.receiver.restarts", restarts, AtomicLong::get)
                .description("Times pg_receivewal was started again after it ended").register(registry));
        meters.add(Gauge.builder("backup.wal.slot.lag", slotLagBytes, AtomicLong::get).baseUnit("bytes")
                .description("WAL the server holds for the replication slot (current LSN - restart_lsn); -1 unknown").register(registry));
        meters.add(Gauge.builder("backup.wal.last.archived.timestamp", newestArchivedEpochSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Modification time of the newest file in the WAL archive (Unix time)").register(registry));
        downSince = clock.instant();
        supervisor = new Thread(this::supervise, "wal-receiver");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    @PreDestroy
    void stop() {
        stopping = true;
        ExternalCommand.Running receiving = current;
        if (receiving != null) {
            receiving.stop(STOP_GRACE);
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        meters.forEach(registry::remove);
        meters.clear();
    }

    public Status status() {
        return new Status(config.wal().enabled(), running, restarts.get(), running ? null : downSince, lastExit, newestSegment,
                slotLagBytes.get(), config.wal().slot(), PitrDirs.wal(config).toString());
    }

    /** The operating system's id of the running pg_receivewal, if one runs. */
    public Optional<Long> pid() {
        ExternalCommand.Running receiving = current;
        return receiving == null || !running ? Optional.empty() : Optional.of(receiving.pid());
    }

    private void supervise() {
        Path dir = PitrDirs.wal(config);
        int exitsInARow = 0;
        while (!stopping) {
            Instant started = clock.instant();
            try {
                AtomicFiles.createPrivateDirectories(dir);
                tools.selectFor(target.serverVersion().major());
                createSlot(dir);
                followTimelineSwitch(dir);
                removeUnpaddedPartials(dir);
                receive(dir);
            } catch (SQLException e) {
                lastExit = "database unreachable: " + e.getMessage();
            } catch (IOException | RuntimeException e) {
                lastExit = e.getMessage();
            } catch (InterruptedException e) {
                break;
            }
            if (stopping) {
                break;
            }
            LOG.warnf("pg_receivewal ended: %s", lastExit);
            exitsInARow = Duration.between(started, clock.instant()).compareTo(RAN_LONG_ENOUGH) >= 0 ? 1 : exitsInARow + 1;
            Duration wait = config.wal().restartBackoff().multipliedBy(1L << Math.min(exitsInARow - 1, 20));
            if (wait.compareTo(config.wal().restartBackoffMax()) > 0) {
                wait = config.wal().restartBackoffMax();
            }
            if (!awaitHousekeeping(wait)) {
                break;
            }
            restarts.incrementAndGet();
        }
    }

    private void createSlot(Path dir) throws IOException, InterruptedException {
        ExternalCommand create = ExternalCommand.of("pg_receivewal --create-slot", tools.replicationCommand("pg_receivewal", target.name(),
                List.of("-D", dir.toString(), "--slot=" + config.wal().slot(), "--create-slot", "--if-not-exists")))
                .timeout(SLOT_TIMEOUT).mergedOutputLines(20, line -> LOG.debugf("[pg_receivewal] %s", line));
        try (ExternalCommand.Running slot = create.start()) {
            ExternalCommand.Exit exit = slot.await();
            if (!exit.ok()) {
                throw new IOException("cannot create the replication slot " + config.wal().slot() + ": pg_receivewal " + exit.describeCode()
                        + exit.outputSuffix());
            }
        }
    }

    /**
     * A server on a newer timeline than the archive's newest (restored and promoted) may have left that timeline before
     * the archive's end: {@link TimelineSwitch} lets pg_receivewal resume at the fork. Best effort: when the server cannot
     * be asked, pg_receivewal starts as before and its error says what is wrong.
     */
    private void followTimelineSwitch(Path dir) throws InterruptedException {
        try {
            var archived = WalArchive.scan(dir).timelines();
            if (archived.isEmpty()) {
                return;
            }
            int timeline = Integer.parseInt(replicationQuery("IDENTIFY_SYSTEM").split("\\|")[1].strip());
            if (timeline <= archived.lastKey()) {
                return;
            }
            String row = replicationQuery("TIMELINE_HISTORY " + timeline);
            String content = row.substring(row.indexOf('|') + 1);
            if (content.startsWith("\\x")) {
                content = new String(HexFormat.of().parseHex(content.substring(2).strip()), StandardCharsets.UTF_8);
            }
            TimelineSwitch.setAsideAfterFork(dir, timeline, content);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot compare the server's timeline with the archive's: %s", e.getMessage());
        }
    }

    /** After a full disk: pg_receivewal would refuse to resume into a segment file it could not pad (it holds no WAL). */
    private static void removeUnpaddedPartials(Path dir) throws IOException {
        for (Path file : WalArchive.unpaddedPartials(dir)) {
            LOG.warnf("removing %s (%d bytes, never padded to a segment: no WAL in it), left when the archive disk was full", file.getFileName(),
                    Files.size(file));
            Files.delete(file);
        }
    }

    /** One replication command through psql on a replication connection; its rows as psql prints them unaligned. */
    private String replicationQuery(String command) throws IOException, InterruptedException {
        ProcessBuilder psql = tools.replicationCommand("psql", target.name(), List.of("-X", "-A", "-t", "-q", "-d", "replication=true",
                "-c", command));
        try (ExternalCommand.Running running = ExternalCommand.of("psql", psql).timeout(SLOT_TIMEOUT).start()) {
            String out = new String(running.stdout().readAllBytes(), StandardCharsets.UTF_8).strip();
            ExternalCommand.Exit exit = running.await();
            if (!exit.ok() || out.isEmpty()) {
                throw new IOException(command + ": psql " + exit.describeCode() + exit.outputSuffix());
            }
            return out;
        }
    }

    private void receive(Path dir) throws IOException, InterruptedException {
        // --no-loop: the service, not pg_receivewal, decides when to try again (and counts it).
        List<String> arguments = new ArrayList<>(List.of("-D", dir.toString(), "--slot=" + config.wal().slot(), "--no-loop",
                "--status-interval=1", "-v"));
        if (config.wal().synchronous()) {
            arguments.add("--synchronous");
        }
        ProcessBuilder command = tools.replicationCommand("pg_receivewal", target.name(), arguments);
        // Named after its slot, in pg_stat_replication and for synchronous_standby_names.
        command.environment().put("PGAPPNAME", config.wal().slot());
        ExternalCommand receive = ExternalCommand.of("pg_receivewal", command)
                .mergedOutputLines(20, line -> LOG.infof("[pg_receivewal] %s", line));
        Instant previousDownSince = downSince;
        Instant startedAt = clock.instant();
        try (ExternalCommand.Running receiving = receive.start()) {
            current = receiving;
            running = true;
            downAlerted = false;
            LOG.infof("pg_receivewal started (slot %s, archive %s)", config.wal().slot(), dir);
            Thread waiter = Thread.currentThread();
            ExternalCommand.Exit exit;
            Thread housekeeping = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    housekeeping(dir);
                    try {
                        Thread.sleep(HOUSEKEEPING_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "wal-housekeeping");
            housekeeping.setDaemon(true);
            housekeeping.start();
            try {
                exit = receiving.await();
            } finally {
                housekeeping.interrupt();
                housekeeping.join(10_000);
                running = false;
                // A receiver that ends again within seconds of its start was never really up: its outage goes on.
                Instant now = clock.instant();
                downSince = previousDownSince != null && Duration.between(startedAt, now).compareTo(STAYED_UP) < 0 ? previousDownSince : now;
                current = null;
            }
            lastExit = "pg_receivewal " + exit.describeCode() + exit.outputSuffix();
            housekeeping(dir);
            if (waiter.isInterrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Waits, keeping the archive compressed and the figures fresh; false when the service stops meanwhile. */
    private boolean awaitHousekeeping(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Path dir = PitrDirs.wal(config);
        while (!stopping) {
            housekeeping(dir);
            alertWhenDownTooLong();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(HOUSEKEEPING_MILLIS, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    private void alertWhenDownTooLong() {
        Instant since = downSince;
        if (!running && !downAlerted && since != null && since.plus(config.wal().downGrace()).isBefore(clock.instant())) {
            downAlerted = true;
            alerts.pitrFailed("wal.receiver.down", target.name(), target.host(), "pg_receivewal has not run since " + since + ": " + lastExit);
        }
    }

    /** Gzips completed segments, notes the newest file and asks the server how much WAL the slot holds back. */
    void housekeeping(Path dir) {
        try {
            compressCompleted(dir, ArchiveEncryption.recipient(config));
            WalArchive.scan(dir).newest().ifPresent(newest -> {
                newestSegment = newest.name() + (newest.partial() ? " (partial)" : "");
                try {
                    newestArchivedEpochSeconds.set(Files.getLastModifiedTime(newest.file()).toInstant().getEpochSecond());
                } catch (IOException gone) {
                    // compressed meanwhile: the next round sees the .gz
                }
            });
        } catch (IOException e) {
            LOG.warnf("WAL archive housekeeping failed: %s", e.getMessage());
        }
        slotLagBytes.set(querySlotLag().orElse(-1L));
    }

    private Optional<Long> querySlotLag() {
        try (Connection connection = target.connection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT (pg_current_wal_lsn() - restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, config.wal().slot());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getObject(1) != null ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** As below, unencrypted. */
    static void compressCompleted(Path dir) throws IOException {
        compressCompleted(dir, Optional.empty());
    }

    /**
     * Every completed plain segment becomes {@code <segment>.gz}, or {@code <segment>.gz.age} encrypted for the
     * recipient (fsynced, renamed atomically), then the plain file goes.
     */
    static void compressCompleted(Path dir, Optional<String> recipient) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> completed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (WalArchive.isCompletedUncompressed(file.getFileName().toString())) {
                    completed.add(file);
                }
            }
        }
        for (Path segment : completed) {
            Path gz = segment.resolveSibling(segment.getFileName() + ".gz" + (recipient.isPresent() ? AgeEncryption.EXTENSION : ""));
            Path partial = AtomicFiles.partialOf(gz);
            Files.deleteIfExists(partial);
            try {
                OutputStream stored = AtomicFiles.createPrivate(partial);
                if (recipient.isPresent()) {
                    stored = AgeEncryption.encrypting(stored, recipient.get());
                }
                try (InputStream in = Files.newInputStream(segment); OutputStream out = new GZIPOutputStream(stored, 64 * 1024)) {
                    in.transferTo(out);
                }
                AtomicFiles.publish(partial, gz);
            } finally {
                AtomicFiles.deleteQuietly(partial);
            }
            Files.delete(segment);
            AtomicFiles.fsyncDirectory(dir);
        }
    }
}
