package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.process.ExternalCommand;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Prepares a new PostgreSQL data directory that recovers to a point in time: the newest base backup that ends before
 * the target, extracted; the WAL it needs from the archive, decompressed into {@code pitr_wal/} (the newest
 * {@code .partial} segment under its full name); {@code recovery.signal} and the recovery settings. The operator then
 * starts PostgreSQL on the directory; it replays the WAL, stops at the target and promotes. Nothing is written unless
 * the target directory is new or empty, a base backup fits and the archive has no gap in the WAL it needs.
 */
@Singleton
public class PointInTimeRestore {
    private static final Logger LOG = Logger.getLogger(PointInTimeRestore.class);
    static final String WAL_SUBDIR = "pitr_wal";
    private static final DateTimeFormatter POSTGRES_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private final BackupConfig config;
    private final BaseBackups baseBackups;
    private final RestorePoints restorePoints;
    private final AtomicBoolean running = new AtomicBoolean();

    @Inject
    public PointInTimeRestore(BackupConfig config, BaseBackups baseBackups, RestorePoints restorePoints) {
        this.config = config;
        this.baseBackups = baseBackups;
        this.restorePoints = restorePoints;
    }

    /** What to recover to: the end of the archive, a time, or a restore point. */
    public record Target(String latestOrTime, String restorePoint) {
        boolean latest() {
            return restorePoint == null && "latest".equals(latestOrTime);
        }
    }

    public record Result(String directory, String baseBackupId, String target, int walSegments, String newestSegment,
                         Map<String, String> recoverySettings, String next) {
    }

    /** Validates the request, then builds the data directory; every refusal is a {@link PitrRefusal} with a 4xx status. */
    public Result restore(String directory, Target target) {
        Path dir = checkDirectory(directory);
        Optional<OffsetDateTime> time = parseTarget(target);
        if (!running.compareAndSet(false, true)) {
            throw new PitrRefusal(409, "restore_running", "A point-in-time restore is already running");
        }
        try {
            return prepare(dir, target, time);
        } finally {
            running.set(false);
        }
    }

    static Path checkDirectory(String directory) {
        if (directory == null || directory.isBlank()) {
            throw new PitrRefusal(400, "bad_request", "Name the new data directory: {\"directory\": \"/absolute/path\", ...}");
        }
        Path dir;
        try {
            dir = Path.of(directory);
        } catch (RuntimeException e) {
            throw new PitrRefusal(400, "bad_request", "Invalid directory name");
        }
        if (!dir.isAbsolute() || !dir.normalize().equals(dir) || directory.contains("\0") || dir.getNameCount() < 1) {
            throw new PitrRefusal(400, "bad_request", "The directory must be an absolute path without '.' or '..' segments");
        }
        if (Files.exists(dir)) {
            boolean empty;
            try (Stream<Path> entries = Files.isDirectory(dir) ? Files.list(dir) : Stream.of(dir)) {
                empty = Files.isDirectory(dir) && entries.findAny().isEmpty();
            } catch (IOException e) {
                throw new PitrRefusal(409, "directory_not_empty", "Cannot read " + dir + ": " + e.getMessage());
            }
            if (!empty) {
                throw new PitrRefusal(409, "directory_not_empty", dir + " exists and is not an empty directory: restore into a new one");
            }
        }
        return dir;
    }

    static Optional<OffsetDateTime> parseTarget(Target target) {
        if (target == null || (target.latestOrTime() == null) == (target.restorePoint() == null)) {
            throw new PitrRefusal(400, "bad_request", "Give exactly one of 'target' (\"latest\" or an ISO-8601 time with offset) and 'restorePoint'");
        }
        if (target.restorePoint() != null) {
            if (!RestorePoints.isValidName(target.restorePoint())) {
                throw new PitrRefusal(400, "bad_request", "Invalid restore point name");
            }
            return Optional.empty();
        }
        if (target.latest()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(target.latestOrTime()));
        } catch (DateTimeParseException e) {
            throw new PitrRefusal(400, "bad_request", "'target' is \"latest\" or an ISO-8601 time with offset, e.g. 2026-03-18T14:02:59+01:00");
        }
    }

    private Result prepare(Path dir, Target target, Optional<OffsetDateTime> time) {
        String description;
        BaseBackup base;
        List<BaseBackup> all = baseBackups.list();
        if (target.restorePoint() != null) {
            RestorePoints.RestorePoint point = restorePoints.find(target.restorePoint()).orElseThrow(() -> new PitrRefusal(404, "not_found",
                    "No restore point " + target.restorePoint() + " was made through this service"));
            long lsn = WalArchive.parseLsn(point.lsn());
            base = all.stream().filter(b -> b.endedAt().isBefore(point.createdAt()) && WalArchive.parseLsn(b.endLsn()) <= lsn).findFirst()
                    .orElseThrow(() -> noBase("before restore point " + point.name() + " (" + point.createdAt() + ")", all));
            description = "restore point " + point.name() + " at " + point.lsn();
        } else if (time.isPresent()) {
            Instant at = time.get().toInstant();
            base = all.stream().filter(b -> b.endedAt().isBefore(at)).findFirst()
                    .orElseThrow(() -> noBase("that ended before " + time.get(), all));
            description = "time " + time.get();
        } else {
            base = all.stream().findFirst().orElseThrow(() -> noBase("", all));
            description = "latest";
        }
        Path walDir = PitrDirs.wal(config);
        WalArchive.Listing archive;
        try {
            archive = WalArchive.scan(walDir);
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "cannot list the WAL archive " + walDir + ": " + e.getMessage());
        }
        long endSegment = WalArchive.segmentOf(base.endLsn());
        archive.missingFrom(base.timeline(), endSegment).ifPresent(missing -> {
            throw new PitrRefusal(422, "wal_gap", "Refusing to restore from base backup " + base.id() + ": " + missing
                    + ". Recovery could not replay past it; take a new base backup, or restore to a time before the gap from an older base backup.");
        });
        Path source = baseBackups.directoryOf(base);
        for (Map.Entry<String, BaseBackup.FileSum> file : base.files().entrySet()) {
            Checksums.problem(source.resolve(file.getKey()), file.getValue().sha256()).ifPresent(problem -> {
                throw new PitrRefusal(422, "base_backup_damaged", "Base backup " + base.id() + ", " + file.getKey() + ": " + problem);
            });
        }
        boolean created = !Files.exists(dir);
        try {
            AtomicFiles.createPrivateDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            extract(source.resolve("base.tar.gz"), dir);
            if (Files.exists(source.resolve("pg_wal.tar.gz"))) {
                extract(source.resolve("pg_wal.tar.gz"), dir.resolve("pg_wal"));
            }
            Path wal = dir.resolve(WAL_SUBDIR);
            AtomicFiles.createPrivateDirectories(wal);
            int copied = provideWal(archive, base, walDir, wal);
            Map<String, String> settings = new java.util.LinkedHashMap<>();
            settings.put("restore_command", "test -f " + WAL_SUBDIR + "/%f && cp " + WAL_SUBDIR + "/%f %p");
            if (target.restorePoint() != null) {
                settings.put("recovery_target_name", target.restorePoint());
            } else if (time.isPresent()) {
                settings.put("recovery_target_time", POSTGRES_TIME.format(time.get().withOffsetSameInstant(ZoneOffset.UTC)));
            }
            if (!target.latest()) {
                settings.put("recovery_target_action", "promote");
            }
            settings.put("recovery_target_timeline", "latest");
            StringBuilder conf = new StringBuilder("\n# point-in-time recovery to " + description + " from base backup " + base.id()
                    + ", written by backup-service; unused once PostgreSQL has promoted\n");
            settings.forEach((name, value) -> conf.append(name).append(" = '").append(value.replace("'", "''")).append("'\n"));
            Files.writeString(dir.resolve("postgresql.auto.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.write(dir.resolve("recovery.signal"), new byte[0]);
            String newest = archive.newest().map(WalArchive.Segment::name).orElse(null);
            LOG.infof("point-in-time restore to %s prepared in %s from %s with %d WAL segments", description, dir, base.id(), copied);
            return new Result(dir.toString(), base.id(), description, copied, newest, settings,
                    "Give the directory to the PostgreSQL server's user (chown -R), start PostgreSQL " + base.serverVersion().split(" ")[0]
                            + " on it and wait until pg_is_in_recovery() is false");
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // A half-prepared directory must not be started: remove what was written.
            if (created) {
                BaseBackups.deleteTree(dir);
            } else {
                try (Stream<Path> entries = Files.list(dir)) {
                    entries.forEach(BaseBackups::deleteTree);
                } catch (IOException ignored) {
                    // reported below
                }
            }
            throw new PitrRefusal(422, "restore_failed", "Preparing " + dir + " failed: " + e.getMessage());
        }
    }

    private static PitrRefusal noBase(String condition, List<BaseBackup> all) {
        return new PitrRefusal(422, "no_base_backup", "No base backup " + condition
                + (all.isEmpty() ? " (there is none yet: take one with POST /api/pitr/base-backups)" : " (oldest: " + all.get(all.size() - 1).id()
                + ", ended " + all.get(all.size() - 1).endedAt() + ")"));
    }

    private void extract(Path tarGz, Path into) throws IOException, InterruptedException {
        AtomicFiles.createPrivateDirectories(into);
        ExternalCommand tar = ExternalCommand.of("tar", new ProcessBuilder("tar", "-xzf", tarGz.toString(), "-C", into.toString(), "--no-same-owner"))
                .timeout(config.timeout());
        try (ExternalCommand.Running running = tar.start()) {
            ExternalCommand.Exit exit = running.await();
            if (!exit.ok()) {
                throw new IOException("tar " + tarGz.getFileName() + " failed (" + exit.describeCode() + ")" + exit.outputSuffix());
            }
        }
    }

    /**
     * A segment's WAL, decompressed. The receiver goes on while a restore copies: a segment listed uncompressed may
     * have been gzipped since (the plain file removed), a partial one completed and gzipped; then the newer file is read.
     */
    private static InputStream openSegment(WalArchive.Segment segment) throws IOException {
        if (segment.compressed()) {
            return new GZIPInputStream(Files.newInputStream(segment.file()), 64 * 1024);
        }
        try {
            return Files.newInputStream(segment.file());
        } catch (java.nio.file.NoSuchFileException movedOn) {
            Path completed = segment.file().resolveSibling(segment.name());
            if (segment.partial() && Files.exists(completed)) {
                try {
                    return Files.newInputStream(completed);
                } catch (java.nio.file.NoSuchFileException gzipped) {
                    // gzipped meanwhile too: read below
                }
            }
            return new GZIPInputStream(Files.newInputStream(completed.resolveSibling(segment.name() + ".gz")), 64 * 1024);
        }
    }

    /**
     * Copies the archive's WAL from the base backup's start on (its timeline and any later one), decompressed; the
     * partial segment of each timeline under its full name, so recovery reads what was received last.
     */
    private static int provideWal(WalArchive.Listing archive, BaseBackup base, Path walDir, Path into) throws IOException {
        long first = WalArchive.segmentOf(base.startLsn());
        int copied = 0;
        for (var timeline : archive.timelines().entrySet()) {
            if (timeline.getKey() < base.timeline()) {
                continue;
            }
            for (WalArchive.Segment segment : timeline.getValue().values()) {
                if (timeline.getKey() == base.timeline() && segment.number() < first) {
                    continue;
                }
                Path target = into.resolve(segment.name());
                try (InputStream in = openSegment(segment);
                     OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                    in.transferTo(out);
                }
                copied++;
            }
        }
        for (int history : archive.histories()) {
            String name = String.format("%08X.history", history);
            Files.copy(walDir.resolve(name), into.resolve(name));
        }
        return copied;
    }
}
