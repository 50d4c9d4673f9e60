package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.S3Resource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore from the off-site copy (S3Proxy) after a timeline switch: the old timeline's segment past the fork, set
 * aside locally ({@code *.superseded}) but copied off-site under its original name before, is not fetched back; a
 * segment the local archive really lacks is.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = S3Resource.class, restrictToAnnotatedClass = true)
class SupersededOffsiteFetchTest {
    @Inject
    BackupConfig config;

    @Inject
    PitrOffsiteCopy offsite;

    @Test
    void aSegmentSetAsideByATimelineSwitchIsNotFetchedBack() throws Exception {
        Path wal = PitrDirs.wal(config);
        Files.createDirectories(wal);
        String beforeFork = "000000010000000000000003.gz";
        String pastFork = "000000010000000000000004.gz";
        String newTimeline = "000000020000000000000004.gz";
        write(wal, beforeFork);
        write(wal, pastFork);
        assertEquals(0, offsite.copyPending(), "timeline 1 is off-site");

        // Timeline 2 forked from timeline 1 in segment 4, then its segment was copied off-site and lost locally.
        assertEquals(List.of(wal.resolve(pastFork)), TimelineSwitch.setAsideAfterFork(wal, 2, "1\t0/4000000\tno recovery target specified\n"));
        write(wal, "00000002.history");
        write(wal, newTimeline);
        assertEquals(0, offsite.copyPending(), "timeline 2 is off-site");
        Files.delete(wal.resolve(newTimeline));

        PitrOffsiteCopy.Fetched fetched = offsite.fetchMissing();
        assertEquals(1, fetched.walFiles(), "only the segment the local archive lacks");
        assertArrayEquals(newTimeline.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(wal.resolve(newTimeline)), "fetched back");
        assertFalse(Files.exists(wal.resolve(pastFork)), "the set-aside segment is not back under its original name");
        assertTrue(Files.exists(wal.resolve(pastFork + TimelineSwitch.SUPERSEDED_SUFFIX)), "and stays set aside");
        assertEquals(List.of(), fetched.baseBackups());
    }

    private static void write(Path dir, String name) throws Exception {
        Files.write(dir.resolve(name), name.getBytes(StandardCharsets.UTF_8));
    }
}
