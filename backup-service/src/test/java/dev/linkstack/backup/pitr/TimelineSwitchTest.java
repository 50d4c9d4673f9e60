package dev.linkstack.backup.pitr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Setting aside the archived WAL of a timeline past the point where the server's newer timeline left it. */
class TimelineSwitchTest {
    private static final String HISTORY_OF_2 = "1\t0/3004600\tbefore 2026-12-03 18:36:01.123456+00\n";

    @Test
    void theArchivedTimelinePastTheForkIsSetAsideAndTheRestStays(@TempDir Path dir) throws IOException {
        write(dir, "000000010000000000000001.gz", "000000010000000000000002.gz", "000000010000000000000003.gz",
                "000000010000000000000004.gz", "000000010000000000000005.partial", "notes.txt");
        List<Path> setAside = TimelineSwitch.setAsideAfterFork(dir, 2, HISTORY_OF_2);
        assertEquals(3, setAside.size(), setAside.toString());
        assertEquals(List.of("000000010000000000000001.gz", "000000010000000000000002.gz", "000000010000000000000003.gz.superseded",
                "000000010000000000000004.gz.superseded", "000000010000000000000005.partial.superseded", "notes.txt"), names(dir));
        WalArchive.Listing listing = WalArchive.scan(dir);
        assertEquals(2L, listing.timelines().get(1).lastKey(), "pg_receivewal resumes at segment 3, where the fork is");
        assertEquals(List.of(), listing.gaps());
    }

    @Test
    void nothingMovesOnTheArchivesTimelineOrForAnotherHistory(@TempDir Path dir) throws IOException {
        write(dir, "000000010000000000000004.gz", "000000020000000000000005.gz", "00000002.history");
        assertEquals(List.of(), TimelineSwitch.setAsideAfterFork(dir, 2, HISTORY_OF_2), "the server is on the archive's newest timeline");
        assertEquals(List.of(), TimelineSwitch.setAsideAfterFork(dir, 3, "1\t0/3004600\tno timeline 2 here\n"),
                "a history without the archive's timeline: left to pg_receivewal's error");
        assertEquals(List.of("000000010000000000000004.gz", "00000002.history", "000000020000000000000005.gz"), names(dir));
    }

    @Test
    void readsTheSwitchPointsOfAHistoryFile() {
        assertEquals(Map.of(1, 0x3004600L, 2, 0x1_0500_0028L), TimelineSwitch.switchPoints(HISTORY_OF_2 + "\n2\t1/5000028\tno recovery target specified\n"));
    }

    private static void write(Path dir, String... names) throws IOException {
        for (String name : names) {
            Files.writeString(dir.resolve(name), "x");
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
