package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.encryption.BackupSignatures;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.postgres.PgClients;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
    private final BaseBackupRetention retention;
    private final BackupSignatures signatures;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Brings back what the local archive lacks for a restore from the off-site copy. */
    @Inject
    PitrOffsiteCopy offsite;
    /** Finds pg_combinebackup for a chain of incremental base backups. */
    @Inject
    PgClients clients;

    @Inject
    public PointInTimeRestore(BackupConfig config, BaseBackups baseBackups, RestorePoints restorePoints, BaseBackupRetention retention,
                              BackupSignatures signatures) {
        this.config = config;
        this.signatures = signatures;
        this.retention = retention;
        this.baseBackups = baseBackups;
        this.restorePoints = restorePoints;
    }

    /**
     * What to recover to: the end of the archive, a time, or a restore point; {@code identity}: the age private key
     * for an encrypted archive (never stored).
     */
    public record Target(String latestOrTime, String restorePoint, Optional<String> identity) {
        public Target(String latestOrTime, String restorePoint) {
            this(latestOrTime, restorePoint, Optional.empty());
        }

        public Target {
            identity = identity == null ? Optional.empty() : identity.filter(i -> !i.isBlank());
        }

        boolean latest() {
            return restorePoint == null && "latest".equals(latestOrTime);
        }
    }

    public record Result(String directory, String baseBackupId, String target, int walSegments, String newestSegment,
                         Map<String, String> recoverySettings, String next) {
    }

    /**
     * Where a restore reads the archive from: the local one, or the off-site copy, from which every base backup and WAL
     * file the local archive lacks is first brought back (as a dump's copy is fetched before its restore).
     */
    public enum Source {
        LOCAL, OFFSITE;

        /** "local" (also when not given) or "offsite"; anything else is a 400 refusal. */
        public static Source parse(String given) {
            if (given == null || given.equals("local")) {
                return LOCAL;
            }
            if (given.equals("offsite")) {
                return OFFSITE;
            }
            throw new PitrRefusal(400, "bad_request", "The source is \"local\" (the default) or \"offsite\", not \"" + given + "\"");
        }
    }

    /**
     * Validates the request, then builds the data directory, which may be anywhere (the command line, run by the
     * operator on the host); every refusal is a {@link PitrRefusal} with a 4xx status (502 when the off-site copy
     * cannot be read).
     */
    public Result restore(String directory, Target target) {
        return restore(directory, target, Source.LOCAL);
    }

    public Result restore(String directory, Target target, Source source) {
        return restore(parseDirectory(directory), target, source);
    }

    /** The same for the API: the directory must be a new or empty one inside the restore root (BACKUP_PITR_RESTORE_ROOT). */
    public Result restoreInsideRoot(String directory, Target target, Source source) {
        Path dir = parseDirectory(directory);
        requireInside(PitrDirs.restoreRoot(config), dir);
        return restore(dir, target, source);
    }

    private Result restore(Path dir, Target target, Source source) {
        requireNewOrEmpty(dir);
        Optional<OffsetDateTime> time = parseTarget(target);
        if (source == Source.OFFSITE && (offsite == null || !offsite.enabled())) {
            throw new PitrRefusal(400, "offsite_not_configured", "Off-site copies are not configured (BACKUP_OFFSITE_ENDPOINT)");
        }
        if (!running.compareAndSet(false, true)) {
            throw new PitrRefusal(409, "restore_running", "A point-in-time restore is already running");
        }
        try {
            return retention.whileNothingIsDeleted(() -> {
                if (source == Source.OFFSITE) {
                    fetchFromOffsite();
                }
                return prepare(dir, target, time, source);
            });
        } finally {
            running.set(false);
        }
    }

    private void fetchFromOffsite() {
        try {
            offsite.fetchMissing();
        } catch (IOException | RuntimeException e) {
            throw new PitrRefusal(502, "offsite_failed", "Fetching the point-in-time archive from the off-site copy failed: " + e.getMessage());
        }
    }

    static Path parseDirectory(String directory) {
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
        return dir;
    }

    /**
     * Refuses a directory that is not inside {@code root} once symbolic links are resolved: the deepest part of it that
     * exists is resolved to its real path, and the rest, which does not exist yet, is appended as given.
     */
    static void requireInside(Path root, Path dir) {
        Path realRoot;
        try {
            AtomicFiles.createPrivateDirectories(root);
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "Cannot create the restore root " + root + ": " + e.getMessage());
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing == null ? dir : existing.toRealPath().resolve(existing.relativize(dir));
        } catch (IOException e) {
            real = null; // a dangling link, or unreadable: not provably inside
        }
        if (real == null || !real.startsWith(realRoot) || real.equals(realRoot)) {
            throw new PitrRefusal(400, "outside_restore_root", "Restores through the API write only into a new directory inside " + root
                    + " (BACKUP_PITR_RESTORE_ROOT); " + dir + (real != null && !real.equals(dir) ? " (" + real + ")" : "") + " is not inside it");
        }
    }

    static void requireNewOrEmpty(Path dir) {
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

    private Result prepare(Path dir, Target target, Optional<OffsetDateTime> time, Source from) {
        String description;
        BaseBackup base;
        List<BaseBackup> all = baseBackups.list();
        if (target.restorePoint() != null) {
            RestorePoints.RestorePoint point = restorePoints.find(target.restorePoint()).orElseThrow(() -> new PitrRefusal(404, "not_found",
                    "No restore point " + target.restorePoint() + " was made through this service"));
            long lsn = WalArchive.parseLsn(point.lsn());
            base = all.stream().filter(b -> b.endedAt().isBefore(point.createdAt()) && WalArchive.parseLsn(b.endLsn()) <= lsn).findFirst()
                    .orElseThrow(() -> noBase("before restore point " + point.name() + " (" + point.createdAt() + ")", all, from));
            description = "restore point " + point.name() + " at " + point.lsn();
        } else if (time.isPresent()) {
            Instant at = time.get().toInstant();
            base = all.stream().filter(b -> b.endedAt().isBefore(at)).findFirst()
                    .orElseThrow(() -> noBase("that ended before " + time.get(), all, from));
            description = "time " + time.get();
        } else {
            base = all.stream().findFirst().orElseThrow(() -> noBase("", all, from));
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
        // An incremental base backup is restored with every base backup of its chain, each checked as the one restored.
        List<BaseBackup> chain = IncrementalChains.chain(base, all);
        for (BaseBackup member : chain) {
            String role = member == base ? "" : " (in the chain of " + base.id() + ")";
            // With a signing key, only a base backup this service wrote: whoever can write the folder or the bucket could
            // otherwise plant one of their own, with matching checksums.
            signatures.problem("base backup " + member.id() + role, member.signature(), member.signedContent()).ifPresent(problem -> {
                throw new PitrRefusal(422, "base_backup_forged", problem);
            });
            Checksums.firstProblem(baseBackups.directoryOf(member), member.checksums()).ifPresent(problem -> {
                throw new PitrRefusal(422, "base_backup_damaged", "Base backup " + member.id() + role + ", " + problem);
            });
            requireIdentityIfEncrypted(member, archive, target.identity());
        }
        Path combine = chain.size() > 1 ? pgCombinebackup(base.serverMajor()) : null;
        boolean created = !Files.exists(dir);
        try {
            AtomicFiles.createPrivateDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            BaseBackupExtraction.unpack(chain, baseBackups::directoryOf, dir, target.identity(), combine, config.timeout());
            Path wal = dir.resolve(WAL_SUBDIR);
            AtomicFiles.createPrivateDirectories(wal);
            int copied = RestoredWal.provide(archive, base, walDir, wal, target.identity());
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
            RecoverySettings.write(dir, "point-in-time recovery to " + description + " from base backup " + base.id()
                    + (chain.size() > 1 ? " (incremental: combined with the " + (chain.size() - 1) + " before it, from full base backup " + chain.get(0).id() + ")"
                    : ""), settings);
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

    private static PitrRefusal noBase(String condition, List<BaseBackup> all, Source source) {
        String where = source == Source.OFFSITE ? " in the local archive or its off-site copy" : "";
        return new PitrRefusal(422, "no_base_backup", "No base backup" + (condition.isEmpty() ? "" : " " + condition) + where
                + (all.isEmpty() ? " (there is none yet: take one with POST /api/pitr/base-backups)" : " (oldest: " + all.get(all.size() - 1).id()
                + ", ended " + all.get(all.size() - 1).endedAt() + ")"));
    }

    /**
     * Refuses, before anything is written, an encrypted base backup or WAL without the private key or with a malformed
     * one (400, as for the dumps); a key that does not match fails when the first file is decrypted.
     */
    private static void requireIdentityIfEncrypted(BaseBackup base, WalArchive.Listing archive, Optional<String> identity) {
        boolean encrypted = base.files().keySet().stream().anyMatch(name -> name.endsWith(AgeEncryption.EXTENSION))
                || archive.timelines().values().stream().flatMap(t -> t.values().stream()).anyMatch(WalArchive.Segment::encrypted);
        if (!encrypted) {
            return;
        }
        if (identity.isEmpty()) {
            throw new PitrRefusal(400, "private_key_required", "Base backup " + base.id() + " or its WAL is encrypted (" + AgeEncryption.SCHEME
                    + "): supply its private key (the age identity, AGE-SECRET-KEY-1...) as 'identity'");
        }
        try {
            AgeEncryption.decrypting(new java.io.ByteArrayInputStream(new byte[0]), identity.get());
        } catch (AgeEncryption.InvalidKeyException e) {
            throw new PitrRefusal(400, "bad_request", e.getMessage());
        } catch (IOException | RuntimeException expected) {
            // a valid key: the empty input is no age file, which is all this says
        }
    }

    /** pg_combinebackup of the chosen client installation for this major version (or the PATH's). */
    private Path pgCombinebackup(int major) {
        try {
            return clients.choose(major).binDir().map(d -> d.resolve("pg_combinebackup")).orElseGet(() -> onPath("pg_combinebackup"));
        } catch (dev.linkstack.backup.postgres.PostgresTools.ToolException e) {
            throw new PitrRefusal(422, "restore_failed", "Restoring an incremental base backup needs pg_combinebackup " + major + "+: " + e.getMessage());
        }
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program);
            }
        }
        return Path.of("/usr/bin", program);
    }
}
