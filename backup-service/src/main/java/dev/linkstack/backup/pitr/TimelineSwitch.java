package dev.linkstack.backup.pitr;

import dev.linkstack.backup.files.AtomicFiles;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A server restored to a point in time and promoted runs on a new timeline that forked from the archived one before
 * the archive's end. pg_receivewal resumes after the newest archived segment, on the archived timeline, which that
 * server's history does not hold past the fork ("requested starting point ... is not in this server's history"): it
 * would fail at every start. So the archived files of that timeline from the fork's segment on are set aside (renamed
 * {@code <name>.superseded}: no longer listed or restored from, kept for an operator as long as a base backup of the
 * old timeline might want them; {@link WalPruning} removes them with the other segments older than the oldest kept base
 * backup), and pg_receivewal resumes at the fork's segment, receives the old timeline up to the fork, the new
 * timeline's history file and the new timeline.
 */
final class TimelineSwitch {
    private static final Logger LOG = Logger.getLogger(TimelineSwitch.class);
    static final String SUPERSEDED_SUFFIX = ".superseded";

    private TimelineSwitch() {
    }

    /**
     * For a server on {@code serverTimeline} whose timeline history file reads {@code history} (empty on timeline 1):
     * sets aside what the archive holds of its newest timeline past the server's fork from it; returns the files set
     * aside (none when the server is on the archive's timeline, or its history does not contain the archive's).
     */
    static List<Path> setAsideAfterFork(Path dir, int serverTimeline, String history) throws IOException {
        WalArchive.Listing listing = WalArchive.scan(dir);
        if (listing.timelines().isEmpty() || serverTimeline <= listing.timelines().lastKey()) {
            return List.of();
        }
        int archived = listing.timelines().lastKey();
        Optional<Long> fork = Optional.ofNullable(switchPoints(history).get(archived));
        if (fork.isEmpty()) {
            return List.of(); // another history: pg_receivewal's own error says so
        }
        long forkSegment = fork.get() / WalArchive.SEGMENT_BYTES;
        List<Path> setAside = new ArrayList<>();
        for (Path file : WalArchive.filesOf(dir, archived)) {
            if (WalArchive.numberOf(file.getFileName().toString()) >= forkSegment) {
                Files.move(file, file.resolveSibling(file.getFileName() + SUPERSEDED_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
                setAside.add(file);
            }
        }
        if (!setAside.isEmpty()) {
            AtomicFiles.fsyncDirectory(dir);
            LOG.warnf("the server is on timeline %d, which left timeline %d at %s: %d archived files of timeline %d from segment %s on"
                            + " are set aside (renamed *%s), the archive goes on from the fork", serverTimeline, archived, lsn(fork.get()),
                    setAside.size(), archived, WalArchive.segmentName(archived, forkSegment), SUPERSEDED_SUFFIX);
        }
        return setAside;
    }

    /** The name a file set aside had in the archive, as its off-site copy still has; any other name as it is. */
    static String originalName(String name) {
        return name.endsWith(SUPERSEDED_SUFFIX) ? name.substring(0, name.length() - SUPERSEDED_SUFFIX.length()) : name;
    }

    /** A timeline history file's switch points: the timeline a line names, and the LSN where it ended. */
    static Map<Integer, Long> switchPoints(String history) {
        Map<Integer, Long> points = new TreeMap<>();
        for (String line : history.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 2 && fields[0].matches("[0-9]+") && fields[1].contains("/")) {
                points.put(Integer.parseInt(fields[0]), WalArchive.parseLsn(fields[1]));
            }
        }
        return points;
    }

    private static String lsn(long lsn) {
        return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }
}
