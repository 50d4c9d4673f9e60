package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.BackupSignatures;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.ExternalCommand;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Base backups with pg_basebackup: tar format, gzip, {@code -X stream} (each one holds the WAL that makes it
 * consistent), manifest kept. pg_basebackup writes into a hidden {@code .<id>.partial} directory; the files are
 * encrypted when BACKUP_ENCRYPTION_RECIPIENT is set ({@code base.tar.gz.age}, ...), checksummed, {@code base.json} is written, and the directory is renamed to {@code <id>} in one atomic step, so a
 * listed base backup is complete. One runs at a time.
 */
@Singleton
public class BaseBackups {
    private static final Logger LOG = Logger.getLogger(BaseBackups.class);
    public static final Pattern ID = Pattern.compile("base-[0-9]{8}T[0-9]{9}Z");
    static final String METADATA = "base.json";
    /** pg_basebackup --incremental failed: an explicit request gets it as the 422's error, the configured choice a full one. */
    static final String INCREMENTAL_FAILED = "incremental_failed";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final BackupConfig config;
    private final TargetDatabase target;
    private final PostgresTools tools;
    private final Alerts alerts;
    private final BaseBackupRetention retention;
    private final Clock clock;
    private final BackupSignatures signatures;
    private final AtomicBoolean running = new AtomicBoolean();

    @Inject
    public BaseBackups(BackupConfig config, TargetDatabase target, PostgresTools tools, Alerts alerts, BaseBackupRetention retention,
                       Clock clock, BackupSignatures signatures) {
        this.signatures = signatures;
        this.config = config;
        this.target = target;
        this.tools = tools;
        this.alerts = alerts;
        this.retention = retention;
        this.clock = clock;
    }

    @Scheduled(identity = "base-backup", cron = "${backup.base.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            take("schedule");
        } catch (PitrRefusal e) {
            LOG.errorf("scheduled base backup failed: %s", e.getMessage());
            if (e.status() != 409) {
                alerts.pitrFailed("base-backup.failed", target.name(), target.host(), e.getMessage());
            }
        }
    }

    /**
     * Takes a base backup now and returns it once published, after retention has run; 409 while another runs, 422 when
     * pg_basebackup fails.
     */
    public BaseBackup take(String trigger) {
        return take(trigger, null);
    }

    /**
     * The same, of a type: "full", "incremental" (on the newest base backup: 422 with the reason when the server cannot,
     * see {@link IncrementalChains#next}, or incremental_failed when pg_basebackup --incremental fails), or null for what
     * backup.base.incremental says is next (a full one where an incremental one cannot be or failed); 400 for another type.
     */
    public BaseBackup take(String trigger, String type) {
        IncrementalChains.Kind kind = IncrementalChains.Kind.parse(type);
        if (!running.compareAndSet(false, true)) {
            throw new PitrRefusal(409, "base_backup_running", "A base backup is already running");
        }
        try {
            BaseBackup taken;
            try {
                taken = takeNow(trigger, kind);
            } catch (PitrRefusal e) {
                // The schedule must not stop at an incremental one the server cannot take (WAL summaries gone past
                // wal_summary_keep_time, a damaged parent manifest): a full one starts a new chain.
                if (kind != IncrementalChains.Kind.AUTO || !INCREMENTAL_FAILED.equals(e.error())) {
                    throw e;
                }
                LOG.warnf("the incremental base backup failed, taking a full one instead: %s", e.getMessage());
                taken = takeNow(trigger, IncrementalChains.Kind.FULL);
            }
            try {
                retention.apply();
            } catch (RuntimeException e) {
                // The new base backup is safe; retention runs again after the next one.
                LOG.warnf("base backup retention failed: %s", e.getMessage());
            }
            return taken;
        } finally {
            running.set(false);
        }
    }

    private BaseBackup takeNow(String trigger, IncrementalChains.Kind kind) {
        String serverVersion;
        IncrementalChains.Next next;
        boolean summarizing;
        try {
            var version = target.serverVersion();
            tools.selectFor(version.major());
            serverVersion = version.text();
            summarizing = version.major() >= IncrementalChains.FIRST_MAJOR
                    && target.setting("summarize_wal").filter("on"::equals).isPresent();
            next = IncrementalChains.next(kind, config.base().incremental(), new IncrementalChains.Server(version.major(), version.text(), summarizing),
                    list(), this::directoryOf);
        } catch (SQLException e) {
            throw new PitrRefusal(503, "database_unavailable", "The database is not reachable: " + e.getMessage());
        } catch (PostgresTools.ToolException e) {
            throw new PitrRefusal(422, "base_backup_failed", e.getMessage());
        }
        String executable = tools.executable("pg_basebackup");
        Instant startedAt = clock.instant();
        String id = "base-" + STAMP.format(startedAt);
        Path dir = PitrDirs.base(config);
        Path published = dir.resolve(id);
        Path partial = AtomicFiles.partialOf(published);
        try {
            AtomicFiles.createPrivateDirectories(dir);
            removeLeftovers(dir);
            AtomicFiles.createPrivateDirectories(partial);
            List<String> arguments = new ArrayList<>(List.of("-D", partial.toString(), "--format=tar", "--gzip", "--wal-method=stream",
                    "--checkpoint=fast", "--label=" + id, "--manifest-checksums=SHA256"));
            String parent = next.parent().map(BaseBackup::id).orElse(null);
            if (next.warn()) {
                LOG.warnf("base backup %s is a full one although backup.base.incremental is on: %s", id, next.fullBecause());
            } else if (next.fullBecause() != null) {
                LOG.infof("base backup %s is a full one: %s", id, next.fullBecause());
            }
            next.parent().ifPresent(p -> arguments.add("--incremental=" + IncrementalChains.parentManifest(p, directoryOf(p)).orElseThrow()));
            ExternalCommand command = ExternalCommand.of("pg_basebackup", tools.replicationCommand("pg_basebackup", target.name(), arguments))
                    .timeout(config.timeout()).mergedOutputLines(20, line -> LOG.infof("[pg_basebackup] %s", line));
            ExternalCommand.Exit exit;
            try (ExternalCommand.Running running = command.start()) {
                exit = running.await();
            }
            if (!exit.ok()) {
                throw new PitrRefusal(422, parent == null ? "base_backup_failed" : INCREMENTAL_FAILED, exit.timedOut() ? exit.timeoutMessage()
                        : "pg_basebackup" + (parent == null ? "" : " --incremental on " + parent) + " failed (" + exit.describeCode() + ")"
                        + exit.outputSuffix());
            }
            Instant endedAt = clock.instant();
            JsonNode manifest = StoreJson.MAPPER.readTree(partial.resolve("backup_manifest").toFile());
            JsonNode ranges = manifest.path("WAL-Ranges");
            if (!ranges.isArray() || ranges.isEmpty()) {
                throw new PitrRefusal(422, "base_backup_failed", "pg_basebackup wrote a manifest without WAL-Ranges");
            }
            JsonNode first = ranges.get(0);
            JsonNode last = ranges.get(ranges.size() - 1);
            Optional<String> recipient = ArchiveEncryption.recipient(config);
            if (recipient.isPresent()) {
                // Where the server can take incremental ones, the next is taken against this manifest, which pg_basebackup
                // reads in plain text; it names files and their checksums, no data, and stays local (neither listed below
                // nor copied off-site). Elsewhere nothing is kept in plain.
                Path plainManifest = partial.resolve(IncrementalChains.PLAIN_MANIFEST);
                if (summarizing) {
                    Files.copy(partial.resolve("backup_manifest"), plainManifest);
                }
                // Checksums below are over what is stored: the encrypted files.
                try (Stream<Path> written = Files.list(partial).filter(f -> !f.equals(plainManifest))) {
                    for (Path file : written.sorted().toList()) {
                        ArchiveEncryption.encryptInPlace(file, recipient.get());
                    }
                }
            }
            Map<String, BaseBackup.FileSum> files = new LinkedHashMap<>();
            try (Stream<Path> written = Files.list(partial).filter(f -> !f.getFileName().toString().equals(IncrementalChains.PLAIN_MANIFEST))) {
                for (Path file : written.sorted().toList()) {
                    files.put(file.getFileName().toString(), new BaseBackup.FileSum(Files.size(file), Checksums.sha256(file)));
                }
            }
            BaseBackup backup = signed(new BaseBackup(id, startedAt, endedAt, last.path("Timeline").asInt(), first.path("Start-LSN").asText(),
                    last.path("End-LSN").asText(), serverVersion, executable, trigger, files, parent));
            AtomicFiles.write(partial.resolve(METADATA), StoreJson.MAPPER.writeValueAsBytes(backup));
            AtomicFiles.fsyncDirectory(partial);
            try {
                Files.move(partial, published, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the backup directory does not support atomic renames: " + e.getMessage(), e);
            }
            AtomicFiles.fsyncDirectory(dir);
            LOG.infof("base backup %s published (%s to %s, timeline %d, %s)", id, backup.startLsn(), backup.endLsn(), backup.timeline(),
                    parent == null ? "full" : "incremental on " + parent);
            return backup;
        } catch (IOException e) {
            throw new PitrRefusal(422, "base_backup_failed", "base backup failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PitrRefusal(422, "base_backup_failed", "base backup interrupted");
        } finally {
            deleteTree(partial);
        }
    }

    /** Published base backups, newest first. */
    public List<BaseBackup> list() {
        return list(PitrDirs.base(config));
    }

    static List<BaseBackup> list(Path dir) {
        List<BaseBackup> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (ID.matcher(entry.getFileName().toString()).matches() && Files.isRegularFile(entry.resolve(METADATA))) {
                    try {
                        found.add(StoreJson.MAPPER.readValue(entry.resolve(METADATA).toFile(), BaseBackup.class));
                    } catch (IOException e) {
                        LOG.warnf("unreadable base backup metadata %s: %s", entry, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "cannot list " + dir + ": " + e.getMessage());
        }
        found.sort(Comparator.comparing(BaseBackup::startedAt).reversed());
        return found;
    }

    public Optional<BaseBackup> find(String id) {
        return list().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    Path directoryOf(BaseBackup backup) {
        return PitrDirs.base(config).resolve(backup.id());
    }

    /** With BACKUP_SIGNING_KEY, the base backup with its signature; as it is without one. */
    private BaseBackup signed(BaseBackup backup) {
        return signatures.signature(backup.signedContent()).map(backup::withSignature).orElse(backup);
    }

    /** What signing the base backups made before BACKUP_SIGNING_KEY did: the ids signed, and each one left unsigned with why. */
    public record Adoption(List<String> signed, List<String> leftUnsigned) {
    }

    /**
     * Signs the local base backups that carry no signature and whose files still match their checksums: the operator's
     * sign-existing command, as for the dumps; the command then updates their off-site copies
     * ({@link PitrOffsiteCopy#updateSignedMetadata}).
     */
    public Adoption signUnsigned() throws IOException {
        List<String> signed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (BaseBackup backup : list()) {
            if (backup.signature() != null && !backup.signature().isBlank()) {
                continue;
            }
            Optional<String> damaged = Checksums.firstProblem(directoryOf(backup), backup.checksums());
            if (damaged.isPresent()) {
                left.add("base backup " + backup.id() + ": " + damaged.get());
            } else {
                AtomicFiles.write(directoryOf(backup).resolve(METADATA), StoreJson.MAPPER.writeValueAsBytes(signed(backup)));
                signed.add(backup.id());
            }
        }
        return new Adoption(signed, left);
    }

    /** Hidden partial directories of base backups a crash interrupted; never listed, removed by the next base backup. */
    private static void removeLeftovers(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".base-*" + AtomicFiles.PARTIAL_SUFFIX)) {
            for (Path entry : entries) {
                LOG.infof("removing %s, left by an interrupted base backup", entry.getFileName());
                deleteTree(entry);
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException e) {
            LOG.warnf("cannot remove %s: %s", dir, e.getMessage());
        }
    }
}
