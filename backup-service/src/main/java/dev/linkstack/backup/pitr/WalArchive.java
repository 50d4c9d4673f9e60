package dev.linkstack.backup.pitr;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL archive as a directory listing: completed segments (gzipped by the service, or not yet), the segment being
 * received ({@code .partial}; one not padded to a segment's size holds no WAL and is left out), age-encrypted segments
 * ({@code .gz.age}), timeline history files; and what is missing from it. WAL segments are taken to be the
 * default 16 MiB (a server initialised with another {@code --wal-segsize} is not supported yet).
 */
public final class WalArchive {
    public static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    static final long SEGMENTS_PER_XLOG_ID = 0x1_0000_0000L / SEGMENT_BYTES;
    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\\.gz)?(\\.age)?(\\.partial)?");
    private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");

    private WalArchive() {
    }

    /** One archived file of a segment; {@code encrypted}: an age file ({@code .gz.age}). */
    public record Segment(int timeline, long number, String name, Path file, boolean compressed, boolean partial, boolean encrypted) {
    }

    /** Segments {@code from} to {@code to} (inclusive) of a timeline are missing. */
    public record Gap(int timeline, String from, String to) {
        public String describe() {
            return from.equals(to) ? "segment " + from + " is missing" : "segments " + from + " to " + to + " are missing";
        }
    }

    /**
     * The archive at one moment: per timeline its segments by number (a completed file wins over a partial one, an
     * uncompressed one over its gzipped copy), the history files, and the gaps between each timeline's first and
     * newest segment.
     */
    public record Listing(TreeMap<Integer, TreeMap<Long, Segment>> timelines, List<Integer> histories, List<Gap> gaps) {
        public Optional<Segment> newest() {
            return timelines.isEmpty() ? Optional.empty()
                    : Optional.of(timelines.lastEntry().getValue().lastEntry().getValue());
        }

        public int completedSegments() {
            return (int) timelines.values().stream().flatMap(t -> t.values().stream()).filter(s -> !s.partial()).count();
        }

        /**
         * What is missing on {@code timeline} from segment {@code first} up to the newest segment: a gap inside, or
         * everything when the archive has nothing from {@code first} on.
         */
        public Optional<String> missingFrom(int timeline, long first) {
            TreeMap<Long, Segment> segments = timelines.get(timeline);
            if (segments == null || segments.isEmpty() || segments.lastKey() < first) {
                return Optional.of("the WAL archive holds nothing of timeline " + timeline + " from segment " + segmentName(timeline, first) + " on");
            }
            long expected = first;
            for (long number : segments.tailMap(first, true).keySet()) {
                if (number != expected) {
                    return Optional.of(new Gap(timeline, segmentName(timeline, expected), segmentName(timeline, number - 1)).describe()
                            + " from the WAL archive (timeline " + timeline + ")");
                }
                expected = number + 1;
            }
            return Optional.empty();
        }
    }

    /** Reads the archive directory; a missing directory is an empty archive. */
    public static Listing scan(Path dir) throws IOException {
        TreeMap<Integer, TreeMap<Long, Segment>> timelines = new TreeMap<>();
        TreeSet<Integer> histories = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    Matcher history = HISTORY.matcher(name);
                    if (history.matches()) {
                        histories.add(Integer.parseInt(history.group(1), 16));
                        continue;
                    }
                    Matcher m = SEGMENT.matcher(name);
                    if (!m.matches()) {
                        continue; // hidden files being written, anything else
                    }
                    if (isUnpadded(file, m)) {
                        continue; // holds no WAL: never listed, never restored from
                    }
                    int timeline = Integer.parseInt(m.group(1), 16);
                    long number = number(m);
                    Segment segment = new Segment(timeline, number, m.group(1) + m.group(2) + m.group(3), file, m.group(4) != null, m.group(6) != null,
                            m.group(5) != null);
                    timelines.computeIfAbsent(timeline, t -> new TreeMap<>()).merge(number, segment, WalArchive::better);
                }
            }
        }
        List<Gap> gaps = new ArrayList<>();
        timelines.forEach((timeline, segments) -> {
            long expected = segments.firstKey();
            for (long number : segments.keySet()) {
                if (number != expected) {
                    gaps.add(new Gap(timeline, segmentName(timeline, expected), segmentName(timeline, number - 1)));
                }
                expected = number + 1;
            }
        });
        return new Listing(timelines, List.copyOf(histories), gaps);
    }

    /**
     * The files of every segment numbered below {@code segment}, on any timeline (completed, gzipped or not, partial,
     * and set aside by a timeline switch, {@code *.superseded}), oldest first; timeline history files are never among
     * them.
     */
    public static List<Path> segmentsBefore(Path dir, long segment) throws IOException {
        TreeMap<String, Path> before = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Matcher m = SEGMENT.matcher(TimelineSwitch.originalName(file.getFileName().toString()));
                    if (m.matches() && number(m) < segment) {
                        // Sorted by position in the WAL, then timeline: deleting in this order never opens a gap.
                        before.put(m.group(2) + m.group(3) + m.group(1) + file.getFileName(), file);
                    }
                }
            }
        }
        return List.copyOf(before.values());
    }

    /** Every file of a timeline's segments (completed, gzipped or not, encrypted, partial); history files are not among them. */
    static List<Path> filesOf(Path dir, int timeline) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Matcher m = SEGMENT.matcher(file.getFileName().toString());
                    if (m.matches() && Integer.parseInt(m.group(1), 16) == timeline) {
                        found.add(file);
                    }
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** The segment number of an archived segment's file name (any form). */
    static long numberOf(String name) {
        Matcher m = SEGMENT.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a WAL segment file: " + name);
        }
        return number(m);
    }

    private static long number(Matcher segment) {
        return Long.parseLong(segment.group(2), 16) * SEGMENTS_PER_XLOG_ID + Long.parseLong(segment.group(3), 16);
    }

    private static Segment better(Segment a, Segment b) {
        if (a.partial() != b.partial()) {
            return a.partial() ? b : a;
        }
        if (a.compressed() != b.compressed()) {
            return a.compressed() ? b : a;
        }
        return a.encrypted() ? b : a;
    }

    /**
     * Plain {@code .partial} files shorter or longer than a segment. pg_receivewal pads a new segment file to its full
     * size before it writes any WAL into it; a file it could not pad (the disk was full) holds none, and it refuses to
     * resume into one ("should be 0 or 16777216 bytes"). An empty file it fills itself.
     */
    static List<Path> unpaddedPartials(Path dir) throws IOException {
        List<Path> unpadded = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Matcher m = SEGMENT.matcher(file.getFileName().toString());
                    if (m.matches() && isUnpadded(file, m) && sizeOrZero(file) > 0) {
                        unpadded.add(file);
                    }
                }
            }
        }
        return unpadded;
    }

    private static boolean isUnpadded(Path file, Matcher segment) {
        return segment.group(6) != null && segment.group(4) == null && segment.group(5) == null && sizeOrZero(file) != SEGMENT_BYTES;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** The file name of a segment, e.g. 000000010000000000000003. */
    public static String segmentName(int timeline, long number) {
        return String.format("%08X%08X%08X", timeline, number / SEGMENTS_PER_XLOG_ID, number % SEGMENTS_PER_XLOG_ID);
    }

    /** The segment number holding an LSN written as PostgreSQL prints it ("0/3000028"). */
    public static long segmentOf(String lsn) {
        return parseLsn(lsn) / SEGMENT_BYTES;
    }

    public static long parseLsn(String lsn) {
        int slash = lsn == null ? -1 : lsn.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("not an LSN: " + lsn);
        }
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    /** A completed, uncompressed segment pg_receivewal has closed: the service gzips it. */
    static boolean isCompletedUncompressed(String name) {
        Matcher m = SEGMENT.matcher(name);
        return m.matches() && m.group(4) == null && m.group(5) == null && m.group(6) == null;
    }
}
