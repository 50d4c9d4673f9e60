package dev.linkstack.backup.pitr;

import dev.linkstack.backup.files.AtomicFiles;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which WAL the archive no longer needs: every segment before the start of the oldest listed base backup, provided
 * the archive holds that backup's WAL without a gap from its start on. Without a base backup, or with an oldest one
 * whose WAL is incomplete, nothing goes. Timeline history files always stay.
 * <p>
 * Segments a timeline switch set aside ({@code *.superseded}, the old timeline past a fork) follow the same rule, by
 * their segment number: such a segment serves only a restore of the abandoned history from a base backup of the old
 * timeline that starts at or before it, and every kept base backup starts at or after the oldest one's start segment,
 * so one numbered below that segment is needed by none of them; one from there on stays. Removing them all once the
 * new timeline has a base backup would take WAL from a base backup of the old timeline that is still kept.
 */
final class WalPruning {
    private static final Logger LOG = Logger.getLogger(WalPruning.class);

    private WalPruning() {
    }

    /**
     * @param anchor         the oldest base backup, whose start bounds what may go (null without one)
     * @param keptFrom       the first segment kept (null without an anchor)
     * @param files          what may go, oldest first
     * @param blockedBecause why nothing may go, or null
     */
    record Plan(String anchor, String keptFrom, List<Path> files, String blockedBecause) {
    }

    static Plan plan(Path walDir, List<BaseBackup> baseBackups) throws IOException {
        Optional<BaseBackup> oldest = baseBackups.stream().min(Comparator.comparingLong((BaseBackup b) -> WalArchive.parseLsn(b.startLsn())));
        if (oldest.isEmpty()) {
            return new Plan(null, null, List.of(), "there is no base backup: the archive keeps all its WAL");
        }
        BaseBackup anchor = oldest.get();
        long first = WalArchive.segmentOf(anchor.startLsn());
        String keptFrom = WalArchive.segmentName(anchor.timeline(), first);
        Optional<String> missing = WalArchive.scan(walDir).missingFrom(anchor.timeline(), first);
        if (missing.isPresent()) {
            return new Plan(anchor.id(), keptFrom, List.of(), "the WAL of " + anchor.id() + ", the oldest base backup, is incomplete ("
                    + missing.get() + "): nothing is pruned while it is the oldest");
        }
        return new Plan(anchor.id(), keptFrom, WalArchive.segmentsBefore(walDir, first), null);
    }

    /**
     * The names the off-site copy has for what {@link #prune} removed of the plan's files: a superseded segment's copy
     * still has the name it had before it was set aside.
     */
    static List<String> offsiteNamesOfPruned(Plan plan) {
        return plan.files().stream().filter(f -> !Files.exists(f)).map(f -> TimelineSwitch.originalName(f.getFileName().toString()))
                .distinct().toList();
    }

    /**
     * Deletes what the plan lets go, oldest first, so that an interruption leaves an archive that merely starts later;
     * returns how many files went.
     */
    static int prune(Path walDir, Plan plan) {
        int deleted = 0;
        for (Path file : plan.files()) {
            try {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            } catch (IOException e) {
                LOG.warnf("cannot prune %s from the WAL archive: %s", file.getFileName(), e.getMessage());
                break;
            }
        }
        if (deleted > 0) {
            AtomicFiles.fsyncDirectory(walDir);
            LOG.infof("pruned %d WAL file(s) before %s, the start of base backup %s", deleted, plan.keptFrom(), plan.anchor());
        }
        return deleted;
    }
}
