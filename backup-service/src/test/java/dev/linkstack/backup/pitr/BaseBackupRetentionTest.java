package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.TestConfigs;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.retention.RetentionRules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Base backup retention and WAL pruning on a directory of made-up base backups and segment files: which base
 * backups go, which WAL goes with them, and when none may go.
 */
class BaseBackupRetentionTest {
    private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");

    @Test
    void keepsTheNewestAndPrunesTheWalBeforeTheOldestKept(@TempDir Path dir) throws IOException {
        Path wal = segments(dir, 1, 2, 3, 4, 5, 6, 7);
        Files.writeString(wal.resolve("000000010000000000000003.partial"), "left by a receiver restart");
        Files.writeString(wal.resolve("000000010000000000000008.partial"), "being received");
        Files.writeString(wal.resolve("00000002.history"), "1\t0/A000000\tno recovery target specified");
        Files.writeString(wal.resolve(".000000010000000000000001.gz.partial"), "being written");
        base(dir, "base-20260301T000000000Z", "0/2000028");
        base(dir, "base-20260310T000000000Z", "0/4000060");
        base(dir, "base-20260319T000000000Z", "0/6000028");

        BaseBackupRetention retention = retention(dir, Map.of("backup.base.retention.keep-last", "2", "backup.base.retention.days", "0"));
        BaseBackupRetention.Preview preview = retention.preview();
        assertEquals(List.of("base-20260301T000000000Z"), preview.delete().stream().map(e -> e.id()).toList());
        assertEquals(4, preview.wal().filesToPrune(), preview.toString());
        assertEquals("000000010000000000000004", preview.wal().keptFrom());
        assertEquals(List.of("000000010000000000000001.gz", "000000010000000000000002.gz", "000000010000000000000003.gz",
                        "000000010000000000000003.partial"),
                WalArchive.segmentsBefore(wal, 4).stream().map(p -> p.getFileName().toString()).toList(), "oldest first");

        BaseBackupRetention.Outcome outcome = retention.apply();
        assertEquals(List.of("base-20260301T000000000Z"), outcome.deletedBaseBackups());
        assertEquals(4, outcome.prunedWalFiles());
        assertNull(outcome.walKeptBecause());
        assertEquals(new TreeSet<>(List.of("base-20260310T000000000Z", "base-20260319T000000000Z")), names(dir.resolve("base")),
                "the deleted base backup is gone, hidden name included");
        assertEquals(new TreeSet<>(List.of(".000000010000000000000001.gz.partial", "000000010000000000000008.partial", "00000002.history",
                "000000010000000000000004.gz", "000000010000000000000005.gz", "000000010000000000000006.gz", "000000010000000000000007.gz")),
                names(wal), "WAL from the oldest kept base backup's start on, history files and files being written stay");
        assertEquals(1.0, registry.get("backup.base.retention.deleted").counter().count());
        assertEquals(4.0, registry.get("backup.wal.pruned.files").counter().count());

        BaseBackupRetention.Outcome again = retention.apply();
        assertEquals(List.of(), again.deletedBaseBackups());
        assertEquals(0, again.prunedWalFiles(), "nothing left to prune");
    }

    @Test
    void aChainStaysWholeWhileItsNewestIncrementalIsKeptAndGoesNewestFirstOnceNoneIs(@TempDir Path dir) throws IOException {
        Path wal = segments(dir, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        base(dir, "base-20260301T000000000Z", 1, "0/1000028");
        base(dir, "base-20260305T000000000Z", 1, "0/2000028");
        base(dir, "base-20260306T000000000Z", 1, "0/3000028", "base-20260305T000000000Z");
        base(dir, "base-20260307T000000000Z", 1, "0/4000028", "base-20260306T000000000Z");

        BaseBackupRetention retention = retention(dir, Map.of("backup.base.retention.keep-last", "1", "backup.base.retention.days", "0"));
        BaseBackupRetention.Preview preview = retention.preview();
        assertEquals(List.of("base-20260301T000000000Z"), preview.delete().stream().map(e -> e.id()).toList());
        assertEquals(List.of("base-20260307T000000000Z", "base-20260306T000000000Z", "base-20260305T000000000Z"),
                preview.keep().stream().map(e -> e.id()).toList());
        assertEquals("incremental base backup base-20260306T000000000Z is taken on it", preview.keep().get(2).keptBecause());
        assertEquals("000000010000000000000002", preview.wal().keptFrom(), "WAL from the start of the chain's full base backup on");
        assertEquals(List.of("base-20260301T000000000Z"), retention.apply().deletedBaseBackups());
        assertEquals(WalArchive.segmentName(1, 2) + ".gz", names(wal).first());

        // A newer full base backup: the whole old chain goes, its newest member first.
        base(dir, "base-20260308T000000000Z", 1, "0/8000028");
        assertEquals(List.of("base-20260307T000000000Z", "base-20260306T000000000Z", "base-20260305T000000000Z"),
                retention.apply().deletedBaseBackups());
        assertEquals(new TreeSet<>(List.of("base-20260308T000000000Z")), names(dir.resolve("base")));
        assertEquals(WalArchive.segmentName(1, 8) + ".gz", names(wal).first());
    }

    @Test
    void segmentsSetAsideByATimelineSwitchGoOnceNoKeptBaseBackupStartsBeforeThem(@TempDir Path dir) throws IOException {
        // Timeline 2 forked from 1 in segment 3: timeline 1's segments from there on were set aside, segment 3 received
        // again up to the fork.
        Path wal = segments(dir, 1, 2);
        Files.writeString(wal.resolve("000000010000000000000003.partial"), "timeline 1 up to the fork");
        for (String name : List.of("000000010000000000000003.gz", "000000010000000000000004.gz", "000000010000000000000005.partial")) {
            Files.writeString(wal.resolve(name + TimelineSwitch.SUPERSEDED_SUFFIX), "abandoned history");
        }
        Files.writeString(wal.resolve("00000002.history"), "1\t0/3004600\tbefore 2026-03-12 10:00:00+00");
        for (int number = 3; number <= 7; number++) {
            Files.writeString(wal.resolve(WalArchive.segmentName(2, number) + ".gz"), "segment " + number + " of timeline 2");
        }
        base(dir, "base-20260301T000000000Z", 1, "0/2000028");
        base(dir, "base-20260314T000000000Z", 2, "0/5000028");
        base(dir, "base-20260319T000000000Z", 2, "0/7000028");

        BaseBackupRetention.Outcome allKept = retention(dir, Map.of("backup.base.retention.keep-last", "3", "backup.base.retention.days", "0")).apply();
        assertEquals(List.of(), allKept.deletedBaseBackups());
        assertEquals(1, allKept.prunedWalFiles(), "only segment 1: the base backup of timeline 1 may still restore the abandoned history");
        assertTrue(names(wal).containsAll(List.of("000000010000000000000003.gz.superseded", "000000010000000000000004.gz.superseded",
                "000000010000000000000005.partial.superseded")), names(wal).toString());

        BaseBackupRetention retention = retention(dir, Map.of("backup.base.retention.keep-last", "2", "backup.base.retention.days", "0"));
        assertEquals(6, retention.preview().wal().filesToPrune(), retention.preview().toString());
        WalPruning.Plan plan = WalPruning.plan(wal, retention.decide(BaseBackups.list(dir.resolve("base"))).keep());
        BaseBackupRetention.Outcome outcome = retention.apply();
        assertEquals(List.of("base-20260301T000000000Z"), outcome.deletedBaseBackups());
        assertEquals(6, outcome.prunedWalFiles());
        assertEquals(new TreeSet<>(List.of("00000002.history", "000000010000000000000005.partial.superseded", "000000020000000000000005.gz",
                        "000000020000000000000006.gz", "000000020000000000000007.gz")), names(wal),
                "superseded segments before the oldest kept base backup's start go with the others; from it on they stay");
        assertEquals(List.of("000000010000000000000002.gz", "000000010000000000000003.gz", "000000010000000000000003.partial",
                        "000000020000000000000003.gz", "000000010000000000000004.gz", "000000020000000000000004.gz"),
                WalPruning.offsiteNamesOfPruned(plan), "off-site, a superseded segment's copy goes by the name it was uploaded with");
    }

    @Test
    void withoutABaseBackupNoWalGoes(@TempDir Path dir) throws IOException {
        Path wal = segments(dir, 1, 2, 3);
        BaseBackupRetention.Outcome outcome = retention(dir, Map.of()).apply();
        assertEquals(0, outcome.prunedWalFiles());
        assertTrue(outcome.walKeptBecause().contains("no base backup"), outcome.walKeptBecause());
        assertEquals(3, names(wal).size());
    }

    @Test
    void anOldestBaseBackupWithAGapInItsWalAllowsNoPruning(@TempDir Path dir) throws IOException {
        Path wal = segments(dir, 1, 2, 3, 5, 6);
        base(dir, "base-20260310T000000000Z", "0/3000028");
        base(dir, "base-20260319T000000000Z", "0/5000028");
        BaseBackupRetention.Outcome outcome = retention(dir, Map.of("backup.base.retention.keep-last", "5")).apply();
        assertEquals(List.of(), outcome.deletedBaseBackups());
        assertEquals(0, outcome.prunedWalFiles(), "the newer base backup's WAL is complete, but the oldest one's is not");
        assertTrue(outcome.walKeptBecause().contains("000000010000000000000004"), outcome.walKeptBecause());
        assertEquals(5, names(wal).size());
    }

    @Test
    void baseBackupRulesDefaultToTheDumpsAndAreOverriddenOneByOne() {
        assertEquals(new RetentionRules(30, 3, 0, 0, 0), RetentionRules.forBaseBackups(TestConfigs.backupConfig(Map.of())));
        assertEquals(new RetentionRules(30, 7, 0, 0, 0), RetentionRules.forBaseBackups(TestConfigs.backupConfig(Map.of("backup.retention.keep-last", "7"))));
        assertEquals(new RetentionRules(2, 7, 0, 4, 0), RetentionRules.forBaseBackups(TestConfigs.backupConfig(Map.of("backup.retention.keep-last", "7",
                "backup.base.retention.days", "2", "backup.base.retention.keep-weekly", "4"))));
    }

    private SimpleMeterRegistry registry;

    private BaseBackupRetention retention(Path dir, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("backup.dir", dir.toString());
        registry = new SimpleMeterRegistry();
        return new BaseBackupRetention(TestConfigs.backupConfig(all), Clock.fixed(NOW, ZoneOffset.UTC), registry);
    }

    private static Path segments(Path dir, int... numbers) throws IOException {
        Path wal = Files.createDirectories(dir.resolve("wal"));
        for (int number : numbers) {
            Files.writeString(wal.resolve(WalArchive.segmentName(1, number) + ".gz"), "segment " + number);
        }
        return wal;
    }

    private static void base(Path dir, String id, String startLsn) throws IOException {
        base(dir, id, 1, startLsn);
    }

    private static void base(Path dir, String id, int timeline, String startLsn) throws IOException {
        base(dir, id, timeline, startLsn, null);
    }

    private static void base(Path dir, String id, int timeline, String startLsn, String parent) throws IOException {
        Path published = Files.createDirectories(dir.resolve("base").resolve(id));
        Files.writeString(published.resolve("base.tar.gz"), "tar");
        Instant started = java.time.LocalDateTime.parse(id.substring(5, 20), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"))
                .toInstant(ZoneOffset.UTC);
        long end = WalArchive.parseLsn(startLsn) + 0x100;
        BaseBackup backup = new BaseBackup(id, started, started.plus(Duration.ofMinutes(1)), timeline, startLsn,
                Long.toHexString(end >>> 32).toUpperCase() + "/" + Long.toHexString(end & 0xFFFFFFFFL).toUpperCase(), "15.10", "pg_basebackup",
                "test", Map.of("base.tar.gz", new BaseBackup.FileSum(3, "00")), parent);
        Files.write(published.resolve(BaseBackups.METADATA), StoreJson.MAPPER.writeValueAsBytes(backup));
    }

    private static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }
}
