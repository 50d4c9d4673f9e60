package dev.linkstack.backup.pitr;

import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.files.DigestingOutputStream;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.offsite.OffsiteCopy;
import dev.linkstack.backup.offsite.OffsiteStore;
import dev.linkstack.backup.postgres.TargetDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The off-site copy of the point-in-time recovery archive, in the dumps' bucket and under their prefix: each published
 * base backup as {@code pitr/base/<id>/<file>} (its {@code base.json} last, so a listed copy is complete) and each
 * completed WAL segment and timeline history file as {@code pitr/wal/<file>}, byte for byte as stored locally (so
 * encrypted when the archive is). A scheduled round copies whatever the bucket lacks and reads each upload back to check
 * its checksum; what fails stays in the backlog and is tried again next round, so nothing is skipped. What retention
 * deletes locally is deleted off-site too. A restore from the off-site copy first brings back what the local archive
 * lacks. A failed round is counted ({@code backup.pitr.offsite.failures}) and kept for the {@code pitr-offsite} health
 * check; the first of an outage is alerted as the dumps' off-site failures are ({@code offsite.failed}), and the first
 * round that copies everything again ends the outage, so the next one is alerted again.
 */
@Singleton
public class PitrOffsiteCopy {
    private static final Logger LOG = Logger.getLogger(PitrOffsiteCopy.class);
    static final String BASE = "pitr/base/";
    static final String WAL = "pitr/wal/";

    private final BackupConfig config;
    private final OffsiteCopy offsite;
    private final MeterRegistry registry;
    private final Alerts alerts;
    private final TargetDatabase target;
    private final Clock clock;
    private final AtomicLong backlog = new AtomicLong();
    private final Gauge backlogGauge;
    private final Counter failures;
    /** The bucket's keys as of the last round that could list them. */
    private Set<String> knownRemote = Set.of();
    // What the health check and the API show; written under this object's lock, by the rounds.
    private volatile Instant caughtUpAt;
    private volatile Instant failingSince;
    private volatile Instant lastFailureAt;
    private volatile String lastFailure;

    @Inject
    public PitrOffsiteCopy(BackupConfig config, OffsiteCopy offsite, MeterRegistry registry, Alerts alerts, TargetDatabase target, Clock clock) {
        this.config = config;
        this.offsite = offsite;
        this.registry = registry;
        this.alerts = alerts;
        this.target = target;
        this.clock = clock;
        this.backlogGauge = Gauge.builder("backup.pitr.offsite.backlog", backlog, AtomicLong::get)
                .description("Base backups and WAL files not yet copied off-site (as of the last round)").register(registry);
        this.failures = Counter.builder("backup.pitr.offsite.failures")
                .description("Rounds of the point-in-time archive's off-site copy that failed since start").register(registry);
    }

    @PreDestroy
    void unregister() {
        registry.remove(backlogGauge);
        registry.remove(failures);
    }

    /**
     * How the copy goes: what waits, when a round last left nothing behind, since when rounds fail (null when the last
     * one did not) and the newest failure, kept after the copy has caught up.
     */
    public record Status(boolean enabled, long pending, Instant caughtUpAt, Instant failingSince, Instant lastFailureAt, String lastFailure,
                         long failures) {
    }

    public Status status() {
        return new Status(enabled(), backlog.get(), caughtUpAt, failingSince, lastFailureAt, lastFailure, (long) failures.count());
    }

    public boolean enabled() {
        return offsite.enabled();
    }

    @Scheduled(identity = "pitr-offsite-copy", every = "${backup.pitr.offsite-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        // Without WAL archiving and without a base backup ever taken, there is nothing to copy: no listing every round.
        if (!enabled() || (!config.wal().enabled() && !Files.isDirectory(PitrDirs.base(config)))) {
            return;
        }
        try {
            copyPending();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("off-site copy of the point-in-time archive failed, tried again next round: %s", e.getMessage());
        }
    }

    /**
     * Copies what the bucket lacks, base backups first; returns how many items are still pending (0 when all went).
     * A failure is counted, kept and, when it begins an outage, alerted, then thrown.
     */
    public synchronized long copyPending() throws IOException {
        try {
            long left = copyRound();
            caughtUp();
            return left;
        } catch (IOException | RuntimeException e) {
            failed(String.valueOf(e.getMessage()));
            throw e;
        }
    }

    private void caughtUp() {
        if (failingSince != null) {
            LOG.infof("off-site copy of the point-in-time archive caught up after failing since %s", failingSince);
        }
        failingSince = null;
        caughtUpAt = clock.instant();
    }

    private void failed(String error) {
        failures.increment();
        lastFailureAt = clock.instant();
        lastFailure = error;
        if (failingSince == null) {
            failingSince = lastFailureAt;
            alerts.offsiteFailed(target.name(), target.host(), Map.of("archive", "pitr", "pending", backlog.get()), error);
        }
    }

    private long copyRound() throws IOException {
        OffsiteStore s3 = offsite.store();
        Set<String> remote;
        try {
            remote = new HashSet<>(s3.list(offsite.key("pitr/")));
        } catch (RuntimeException unreachable) {
            // The backlog still grows while the store is away: what is not known to be there is pending.
            backlog.set(pending(knownRemote).size());
            throw unreachable;
        }
        knownRemote = remote;
        List<Object> pending = pending(remote);
        backlog.set(pending.size());
        for (Object item : pending) {
            if (item instanceof BaseBackup base) {
                copy(base);
                remote.add(baseKey(base.id(), BaseBackups.METADATA));
            } else {
                Path file = (Path) item;
                try {
                    offsite.uploadVerified(file, walKey(file.getFileName().toString()), Checksums.sha256(file), file.getFileName().toString());
                    remote.add(walKey(file.getFileName().toString()));
                } catch (NoSuchFileException gone) {
                    LOG.debugf("%s left the WAL archive before its off-site copy", file.getFileName());
                }
            }
            backlog.decrementAndGet();
        }
        return backlog.get();
    }

    /** Base backups (oldest first), then WAL files, the bucket lacks. */
    private List<Object> pending(Set<String> remote) throws IOException {
        List<BaseBackup> bases = new ArrayList<>(BaseBackups.list(PitrDirs.base(config)));
        bases.sort(Comparator.comparing(BaseBackup::startedAt));
        bases.removeIf(b -> remote.contains(baseKey(b.id(), BaseBackups.METADATA)));
        List<Path> wal = walFiles(PitrDirs.wal(config));
        wal.removeIf(f -> remote.contains(walKey(f.getFileName().toString())));
        List<Object> pending = new ArrayList<>(bases);
        pending.addAll(wal);
        return pending;
    }

    private void copy(BaseBackup base) throws IOException {
        Path dir = PitrDirs.base(config).resolve(base.id());
        for (var file : base.files().entrySet()) {
            offsite.uploadVerified(dir.resolve(file.getKey()), baseKey(base.id(), file.getKey()), file.getValue().sha256(), base.id() + "/" + file.getKey());
        }
        // The metadata goes last: until it exists the copy is not listed.
        offsite.store().putSmall(baseKey(base.id(), BaseBackups.METADATA), Files.readAllBytes(dir.resolve(BaseBackups.METADATA)));
        LOG.infof("base backup %s copied off-site (checksums verified)", base.id());
    }

    /** Completed (gzipped) segments and history files of the archive, by name. */
    private static List<Path> walFiles(Path walDir) throws IOException {
        WalArchive.Listing listing = WalArchive.scan(walDir);
        List<Path> files = new ArrayList<>();
        listing.timelines().values().forEach(t -> t.values().stream().filter(s -> !s.partial() && s.compressed()).forEach(s -> files.add(s.file())));
        listing.histories().forEach(h -> files.add(walDir.resolve(String.format("%08X.history", h))));
        return files;
    }

    /** Deletes the off-site copies of base backups and WAL files retention deleted locally; failures are logged only. */
    synchronized void removeCopies(List<String> baseBackupIds, List<String> walFileNames) {
        if (!enabled() || (baseBackupIds.isEmpty() && walFileNames.isEmpty())) {
            return;
        }
        try {
            OffsiteStore s3 = offsite.store();
            for (String id : baseBackupIds) {
                s3.delete(baseKey(id, BaseBackups.METADATA));
                for (String key : s3.list(offsite.key(BASE + id + "/"))) {
                    s3.delete(key);
                }
            }
            for (String name : walFileNames) {
                s3.delete(walKey(name));
            }
            LOG.infof("retention deleted the off-site copies of %d base backup(s) and %d WAL file(s)", baseBackupIds.size(), walFileNames.size());
        } catch (RuntimeException e) {
            LOG.warnf("retention could not delete off-site copies: %s", e.getMessage());
        }
    }

    /** What bringing the off-site copies' metadata up to date did: the base backups updated, and each failure with why. */
    public record MetadataUpdate(List<String> updated, List<String> failed) {
    }

    /**
     * Gives the off-site copy of each signed local base backup the local {@code base.json} where the two differ: after
     * sign-existing, the copies uploaded before the key still hold the unsigned one, which a restore from the off-site
     * copy refuses. Only {@code base.json} changes: the signature covers each file's checksum, which a fetch checks the
     * copied files against. A copy without {@code base.json} is not complete yet, and the next round uploads the local
     * one with it. Each write is read back; a failure leaves that copy as it was and is listed.
     */
    public synchronized MetadataUpdate updateSignedMetadata() {
        OffsiteStore s3 = offsite.store();
        Set<String> remote = new HashSet<>(s3.list(offsite.key(BASE)));
        Path baseDir = PitrDirs.base(config);
        List<String> updated = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (BaseBackup base : BaseBackups.list(baseDir)) {
            String key = baseKey(base.id(), BaseBackups.METADATA);
            if (base.signature() == null || base.signature().isBlank() || !remote.contains(key)) {
                continue;
            }
            try {
                byte[] local = Files.readAllBytes(baseDir.resolve(base.id()).resolve(BaseBackups.METADATA));
                if (!Arrays.equals(local, s3.getBytes(key))) {
                    s3.putSmall(key, local);
                    if (!Arrays.equals(local, s3.getBytes(key))) {
                        throw new IOException("base.json reads back otherwise than written");
                    }
                    updated.add(base.id());
                }
            } catch (IOException | RuntimeException e) {
                failed.add("off-site copy of base backup " + base.id() + ": " + e.getMessage());
            }
        }
        LOG.infof("the off-site copies of %d base backup(s) got their signed base.json", updated.size());
        return new MetadataUpdate(updated, failed);
    }

    /** What a restore from the off-site copy brought back. */
    public record Fetched(List<String> baseBackups, int walFiles) {
    }

    /**
     * Brings back into the local archive every off-site base backup (checksums checked) and WAL file it lacks, so a
     * restore can then proceed as from a complete local archive.
     */
    public synchronized Fetched fetchMissing() throws IOException {
        OffsiteStore s3 = offsite.store();
        Path baseDir = PitrDirs.base(config);
        Path walDir = PitrDirs.wal(config);
        AtomicFiles.createPrivateDirectories(baseDir);
        AtomicFiles.createPrivateDirectories(walDir);
        Set<String> localBases = new HashSet<>();
        BaseBackups.list(baseDir).forEach(b -> localBases.add(b.id()));
        Set<String> localSegments = new HashSet<>();
        WalArchive.scan(walDir).timelines().values().forEach(t -> t.values().stream().filter(s -> !s.partial()).forEach(s -> localSegments.add(s.name())));
        // A segment a timeline switch set aside (*.superseded: the old timeline past the fork) is not missing: its off-site
        // copy keeps the original name, and fetching it back under that name would undo the set-aside.
        for (Path file : WalArchive.segmentsBefore(walDir, Long.MAX_VALUE)) {
            if (file.getFileName().toString().endsWith(TimelineSwitch.SUPERSEDED_SUFFIX)) {
                localSegments.add(file.getFileName().toString().substring(0, 24));
            }
        }
        List<String> bases = new ArrayList<>();
        int wal = 0;
        TreeSet<String> keys = new TreeSet<>(s3.list(offsite.key("pitr/")));
        for (String key : keys) {
            String name = key.substring(offsite.key("").length());
            if (name.startsWith(BASE) && name.endsWith("/" + BaseBackups.METADATA)) {
                String id = name.substring(BASE.length(), name.length() - BaseBackups.METADATA.length() - 1);
                if (BaseBackups.ID.matcher(id).matches() && !localBases.contains(id)) {
                    fetchBase(s3, baseDir, StoreJson.MAPPER.readValue(s3.getBytes(key), BaseBackup.class));
                    bases.add(id);
                }
            } else if (name.startsWith(WAL)) {
                String file = name.substring(WAL.length());
                boolean segment = file.length() >= 24 && file.substring(0, 24).matches("[0-9A-F]{24}");
                if (file.contains("/") || Files.exists(walDir.resolve(file)) || (segment && localSegments.contains(file.substring(0, 24)))) {
                    continue;
                }
                download(s3, key, walDir.resolve(file));
                wal++;
            }
        }
        LOG.infof("fetched %d base backup(s) and %d WAL file(s) from the off-site copy", bases.size(), wal);
        return new Fetched(bases, wal);
    }

    private void fetchBase(OffsiteStore s3, Path baseDir, BaseBackup base) throws IOException {
        Path published = baseDir.resolve(base.id());
        Path partial = AtomicFiles.partialOf(published);
        BaseBackups.deleteTree(partial);
        AtomicFiles.createPrivateDirectories(partial);
        try {
            for (var file : base.files().entrySet()) {
                String sha256 = download(s3, baseKey(base.id(), file.getKey()), partial.resolve(file.getKey()));
                if (!sha256.equalsIgnoreCase(file.getValue().sha256())) {
                    throw new IOException("off-site copy of base backup " + base.id() + " is damaged: " + file.getKey() + " has sha256 " + sha256);
                }
            }
            AtomicFiles.write(partial.resolve(BaseBackups.METADATA), StoreJson.MAPPER.writeValueAsBytes(base));
            AtomicFiles.fsyncDirectory(partial);
            Files.move(partial, published, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(baseDir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the backup directory does not support atomic renames: " + e.getMessage(), e);
        } finally {
            BaseBackups.deleteTree(partial);
        }
    }

    /** Downloads an object into a new file, published atomically; returns its sha256. */
    private static String download(OffsiteStore s3, String key, Path target) throws IOException {
        Path partial = AtomicFiles.partialOf(target);
        Files.deleteIfExists(partial);
        try {
            DigestingOutputStream digest;
            try (InputStream in = s3.get(key); OutputStream out = AtomicFiles.createPrivate(partial); DigestingOutputStream digesting = new DigestingOutputStream(out)) {
                digest = digesting;
                in.transferTo(digesting);
            }
            AtomicFiles.publish(partial, target);
            return digest.sha256Hex();
        } finally {
            AtomicFiles.deleteQuietly(partial);
        }
    }

    private String baseKey(String id, String file) {
        return offsite.key(BASE + id + "/" + file);
    }

    private String walKey(String file) {
        return offsite.key(WAL + file);
    }
}
