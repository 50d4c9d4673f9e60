package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.TmpfsMount;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static dev.linkstack.backup.pitr.PitrTesting.awaitCompletedAfter;
import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.tableWithBaseBackup;
import static dev.linkstack.backup.pitr.PitrTesting.awaitWalArchiveHealth;
import static dev.linkstack.backup.pitr.PitrTesting.ids;
import static dev.linkstack.backup.pitr.PitrTesting.insertRows;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive disk full, on real servers: the backup directory (WAL archive and base backups) is a 96 MB tmpfs, a
 * filler file leaves less room than one WAL segment, and rows go on being committed. pg_receivewal fails (rows are
 * committed meanwhile too); the archive
 * lists no short segment, the health check is DOWN with the reason, the server keeps the WAL for the slot, and a base
 * backup fails cleanly. Once the filler is deleted the receiver resumes with no gap and a restore to "latest" has
 * every acknowledged row. Needs a tmpfs mount (root): without one it fails, or skips with -Dtests.allow-skips=true.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = DurablePostgresResource.BACKUP_DISK_TMPFS, value = "96m"))
class PitrDiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long ROOM_LEFT = 6L * 1024 * 1024;

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Test
    void aFullArchiveDiskLosesNothingAndTheReceiverResumesOnceThereIsRoom() throws Exception {
        Assumptions.assumeTrue(TmpfsMount.requireSupport(), "no tmpfs mount here: skipped as -Dtests.allow-skips=true asks");
        assertEquals("tmpfs", Files.getFileStore(postgres.backupDir()).type(), "the backup directory is the small tmpfs");
        tableWithBaseBackup(postgres, receiver);
        insertRows(postgres, 1, 100);
        switchWal(postgres, 1);
        String beforeFull = awaitCompletedAfter(receiver, null, WAIT);

        Path filler = postgres.backupDir().resolve("filler");
        fillLeaving(filler, ROOM_LEFT);
        insertRows(postgres, 101, 200);
        // Each switch needs a new 16 MB segment in the archive, which pg_receivewal cannot pad out.
        switchWal(postgres, 2);
        String down = awaitWalArchiveHealth("DOWN", WAIT);
        JsonPath check = JsonPath.from(down).setRootPath("checks.find { it.name == 'wal-archive' }");
        assertTrue(String.valueOf(check.getString("data.lastExit")).contains("No space left on device"), down);
        assertTrue(check.getString("data.receiverDownSince") != null, down);
        assertNoShortSegmentListed();
        authorized().get("/api/pitr/wal").then().statusCode(200).body("gaps.size()", equalTo(0));
        // Committed while the archive cannot take anything: only the server has these, kept for the slot.
        insertRows(postgres, 201, 300);
        long firstMissing = WalArchive.scan(Path.of(receiver.status().dir())).timelines().get(1).values().stream()
                .filter(segment -> !segment.partial()).mapToLong(WalArchive.Segment::number).max().orElseThrow() + 1;
        String missing = WalArchive.segmentName(1, firstMissing);
        String current = sql("SELECT pg_walfile_name(pg_current_wal_lsn())");
        assertEquals("t", sql("SELECT pg_current_wal_lsn() > '" + lsnOfSegmentStart(missing) + "'::pg_lsn"),
                "the server wrote WAL the archive does not have: " + missing + " on");
        assertEquals("t", sql("SELECT restart_lsn <= '" + lsnOfSegmentStart(missing) + "'::pg_lsn FROM pg_replication_slots"),
                "the slot holds the WAL the archive could not take");
        assertEquals(String.valueOf(WalArchive.numberOf(current) - firstMissing + 1), sql("SELECT count(*) FROM pg_ls_waldir() WHERE name >= '"
                + missing + "' AND name <= '" + current + "' AND length(name) = 24"), "the server kept " + missing + " to " + current);

        // A base backup into the full disk: refused with the reason, nothing partial left or listed.
        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(422)
                .body("error", equalTo("base_backup_failed")).body("message", containsString("No space left on device"));
        authorized().get("/api/pitr/base-backups").then().statusCode(200).body("size()", equalTo(1));
        try (Stream<Path> entries = Files.list(postgres.backupDir().resolve("base"))) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.size() == 1 && BaseBackups.ID.matcher(names.get(0)).matches(), "leftovers of the failed base backup: " + names);
        }

        Files.delete(filler);
        awaitWalArchiveHealth("UP", WAIT);
        awaitReceiverRunning(receiver);
        insertRows(postgres, 301, 400);
        switchWal(postgres, 2);
        String afterFull = awaitCompletedAfter(receiver, current, WAIT);
        assertNoShortSegmentListed();
        authorized().get("/api/pitr/wal").then().statusCode(200).body("gaps.size()", equalTo(0));
        Set<Long> atLatest = PitrTesting.restoreAndRead("{\"target\":\"latest\"}");
        long lost = ids(1, 400).stream().filter(id -> !atLatest.contains(id)).count();
        ReliabilityReport.record("backup-service: WAL archive disk (96 MB tmpfs) full under pg_receivewal, then room again",
                "400 acknowledged commits, 100 of them while the receiver could not archive; 1 base backup into the full disk",
                "0 short segments listed, 0 gaps (archive from " + beforeFull + " to " + afterFull + "), health DOWN with the reason;"
                        + " base backup 422, nothing partial left",
                lost + " acknowledged commits lost on restore to latest");
        assertEquals(ids(1, 400), atLatest, "every acknowledged row after the disk had room again");
    }

    /** Writes {@code filler} until the disk is full, then gives back {@code room} bytes. */
    private static void fillLeaving(Path filler, long room) throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // the disk is full
        }
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            channel.truncate(Math.max(0, channel.size() - room));
        }
        long usable = Files.getFileStore(filler).getUsableSpace();
        assertTrue(usable < WalArchive.SEGMENT_BYTES, "less room than a segment: " + usable);
    }

    /** Every segment the archive lists (plain, partial or gzipped) holds exactly one segment's bytes. */
    private void assertNoShortSegmentListed() throws IOException {
        int bad = 0;
        List<String> seen = new ArrayList<>();
        for (var timeline : WalArchive.scan(Path.of(receiver.status().dir())).timelines().values()) {
            for (WalArchive.Segment segment : timeline.values()) {
                long size;
                try (InputStream in = segment.compressed() ? new GZIPInputStream(Files.newInputStream(segment.file())) : Files.newInputStream(segment.file())) {
                    size = in.transferTo(OutputStream.nullOutputStream());
                } catch (java.nio.file.NoSuchFileException compressedMeanwhile) {
                    continue;
                }
                seen.add(segment.file().getFileName() + "=" + size);
                bad += size == WalArchive.SEGMENT_BYTES ? 0 : 1;
            }
        }
        assertEquals(0, bad, "short segments in the listing: " + seen);
    }

    private static String lsnOfSegmentStart(String segment) {
        long number = Long.parseLong(segment.substring(8, 16), 16) * WalArchive.SEGMENTS_PER_XLOG_ID + Long.parseLong(segment.substring(16), 16);
        long lsn = number * WalArchive.SEGMENT_BYTES;
        return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    private String sql(String query) throws SQLException {
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
