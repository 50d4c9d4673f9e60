package dev.linkstack.backup.pitr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archive listing: segment numbering across log ids, partial and history files, gaps per timeline. */
class WalArchiveTest {

    @Test
    void findsGapsPerTimelineAndCountsAPartialAsTheNewest(@TempDir Path dir) throws IOException {
        for (String name : List.of("0000000100000000000000FE.gz", "0000000100000000000000FF.gz", "000000010000000100000000",
                "000000010000000100000001.partial", "00000002.history", "000000020000000100000001.gz", "000000020000000100000003.partial",
                ".000000010000000100000002.gz.partial", "notes.txt")) {
            if (name.endsWith(".partial") && !name.startsWith(".")) {
                padded(dir.resolve(name));
            } else {
                Files.writeString(dir.resolve(name), "x");
            }
        }
        WalArchive.Listing listing = WalArchive.scan(dir);
        assertEquals(List.of(1, 2), List.copyOf(listing.timelines().keySet()));
        assertEquals(List.of(2), listing.histories());
        assertEquals(List.of(new WalArchive.Gap(2, "000000020000000100000002", "000000020000000100000002")), listing.gaps(),
                "0xFF is followed by the next log id's 0x00 without a gap; timeline 2 misses one segment");
        assertEquals("000000020000000100000003", listing.newest().orElseThrow().name());
        assertTrue(listing.newest().orElseThrow().partial());
        assertEquals(4, listing.completedSegments());
        assertEquals(java.util.Optional.empty(), listing.missingFrom(1, WalArchive.segmentOf("0/FE000028")));
        assertTrue(listing.missingFrom(2, WalArchive.segmentOf("1/01000000")).orElseThrow().contains("000000020000000100000002"));
        assertTrue(listing.missingFrom(1, WalArchive.segmentOf("1/05000000")).orElseThrow().contains("holds nothing"));
    }

    @Test
    void aCompletedSegmentWinsOverItsPartialAndIsGzippedInPlace(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("000000010000000000000003"), new byte[1024]);
        padded(dir.resolve("000000010000000000000003.partial"));
        assertTrue(!WalArchive.scan(dir).newest().orElseThrow().partial());
        WalReceiver.compressCompleted(dir);
        assertTrue(Files.exists(dir.resolve("000000010000000000000003.gz")));
        assertTrue(Files.notExists(dir.resolve("000000010000000000000003")));
        WalArchive.Segment segment = WalArchive.scan(dir).newest().orElseThrow();
        assertTrue(segment.compressed() && !segment.partial(), segment.toString());
        assertEquals(List.of(), WalArchive.scan(dir).gaps());
    }

    @Test
    void aPartialSegmentNeverPaddedIsNeitherListedNorKept(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("000000010000000000000003.gz"), "x");
        Files.write(dir.resolve("000000010000000000000004.partial"), new byte[6 * 1024 * 1024]);
        Files.write(dir.resolve("000000010000000000000005.partial"), new byte[0]);
        WalArchive.Listing listing = WalArchive.scan(dir);
        assertEquals("000000010000000000000003", listing.newest().orElseThrow().name(), "the disk filled up while they were padded");
        assertEquals(List.of(dir.resolve("000000010000000000000004.partial")), WalArchive.unpaddedPartials(dir),
                "an empty one pg_receivewal pads itself");
    }

    /** A partial segment as pg_receivewal creates it: padded to the full segment size (sparse here). */
    private static void padded(Path file) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(WalArchive.SEGMENT_BYTES);
        }
    }
}
