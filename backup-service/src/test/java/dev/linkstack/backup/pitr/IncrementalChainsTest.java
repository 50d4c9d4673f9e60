package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the next base backup is, and the chain a restore combines, on made-up base backups. */
class IncrementalChainsTest {
    private static final IncrementalChains.Server PG17 = new IncrementalChains.Server(17, "17.12", true);

    @Test
    void theConfiguredChoiceBuildsChainsOfFullEveryAndFallsBackToAFullOneWithTheReason(@TempDir Path dir) throws IOException {
        List<BaseBackup> newestFirst = new ArrayList<>();
        assertTrue(next(IncrementalChains.Kind.AUTO, true, 3, PG17, newestFirst, dir).parent().isEmpty(), "the first one is full");
        newestFirst.add(0, backup(dir, "base-20260301T000000000Z", null, "17.12"));
        assertEquals("base-20260301T000000000Z", next(IncrementalChains.Kind.AUTO, true, 3, PG17, newestFirst, dir).parent().orElseThrow().id());
        newestFirst.add(0, backup(dir, "base-20260302T000000000Z", "base-20260301T000000000Z", "17.12"));
        newestFirst.add(0, backup(dir, "base-20260303T000000000Z", "base-20260302T000000000Z", "17.12"));
        IncrementalChains.Next full = next(IncrementalChains.Kind.AUTO, true, 3, PG17, newestFirst, dir);
        assertTrue(full.parent().isEmpty());
        assertTrue(full.fullBecause().contains("holds 3 base backups") && !full.warn(), full.toString());
        assertEquals("base-20260303T000000000Z", next(IncrementalChains.Kind.INCREMENTAL, true, 3, PG17, newestFirst, dir).parent().orElseThrow().id(),
                "asked for, an incremental one goes on past full-every");
        assertTrue(next(IncrementalChains.Kind.AUTO, false, 3, PG17, newestFirst, dir).parent().isEmpty(), "off by default");
        assertTrue(next(IncrementalChains.Kind.FULL, true, 3, PG17, newestFirst, dir).parent().isEmpty());

        IncrementalChains.Next off = next(IncrementalChains.Kind.AUTO, true, 7, new IncrementalChains.Server(17, "17.12", false), newestFirst, dir);
        assertTrue(off.parent().isEmpty() && off.warn() && off.fullBecause().contains("summarize_wal is off"), off.toString());
    }

    @Test
    void anIncrementalOneAskedForIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        List<BaseBackup> none = List.of();
        assertRefused("no base backup yet", IncrementalChains.Kind.INCREMENTAL, PG17, none, dir);
        assertRefused("need PostgreSQL 17 or newer", IncrementalChains.Kind.INCREMENTAL, new IncrementalChains.Server(15, "15.14", false), none, dir);
        List<BaseBackup> of16 = List.of(backup(dir, "base-20260301T000000000Z", null, "16.9"));
        assertRefused("is of PostgreSQL 16.9", IncrementalChains.Kind.INCREMENTAL, PG17, of16, dir);
        BaseBackup withoutManifest = backup(dir, "base-20260302T000000000Z", null, "17.12");
        Files.delete(dir.resolve(withoutManifest.id()).resolve("backup_manifest"));
        assertRefused("not at hand in plain text", IncrementalChains.Kind.INCREMENTAL, PG17, List.of(withoutManifest), dir);
        Files.writeString(dir.resolve(withoutManifest.id()).resolve(IncrementalChains.PLAIN_MANIFEST), "{}");
        assertEquals(withoutManifest.id(), next(IncrementalChains.Kind.INCREMENTAL, false, 7, PG17, List.of(withoutManifest), dir).parent().orElseThrow().id(),
                "an encrypted base backup's plain manifest");
        PitrRefusal bad = assertThrows(PitrRefusal.class, () -> IncrementalChains.Kind.parse("differential"));
        assertEquals(400, bad.status());
        assertEquals(IncrementalChains.Kind.AUTO, IncrementalChains.Kind.parse(null));
    }

    @Test
    void aChainIsResolvedFullFirstAndRefusedWhenAMemberIsMissing(@TempDir Path dir) throws IOException {
        BaseBackup full = backup(dir, "base-20260301T000000000Z", null, "17.12");
        BaseBackup first = backup(dir, "base-20260302T000000000Z", full.id(), "17.12");
        BaseBackup second = backup(dir, "base-20260303T000000000Z", first.id(), "17.12");
        assertEquals(List.of(full, first, second), IncrementalChains.chain(second, List.of(second, first, full)));
        assertEquals(List.of(full), IncrementalChains.chain(full, List.of(second, first, full)));
        PitrRefusal missing = assertThrows(PitrRefusal.class, () -> IncrementalChains.chain(second, List.of(second, full)));
        assertEquals(422, missing.status());
        assertEquals("chain_incomplete", missing.error());
        assertTrue(missing.getMessage().contains(first.id()), missing.getMessage());
        assertNull(full.parent());
        assertEquals("incremental", second.type());
        assertTrue(second.signedContent().endsWith("\nparent " + first.id()), "the parent is signed");
    }

    private static void assertRefused(String reason, IncrementalChains.Kind kind, IncrementalChains.Server server, List<BaseBackup> newestFirst, Path dir) {
        PitrRefusal refused = assertThrows(PitrRefusal.class, () -> next(kind, true, 7, server, newestFirst, dir));
        assertEquals(422, refused.status());
        assertEquals("incremental_not_possible", refused.error());
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    private static IncrementalChains.Next next(IncrementalChains.Kind kind, boolean enabled, int fullEvery, IncrementalChains.Server server,
                                               List<BaseBackup> newestFirst, Path dir) {
        BackupConfig.Base.Incremental settings = new BackupConfig.Base.Incremental() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public int fullEvery() {
                return fullEvery;
            }
        };
        return IncrementalChains.next(kind, settings, server, newestFirst, b -> dir.resolve(b.id()));
    }

    private static BaseBackup backup(Path dir, String id, String parent, String version) throws IOException {
        Path published = Files.createDirectories(dir.resolve(id));
        Files.writeString(published.resolve("backup_manifest"), "{}");
        Instant started = Instant.parse(id.substring(5, 9) + "-" + id.substring(9, 11) + "-" + id.substring(11, 13) + "T00:00:00Z");
        return new BaseBackup(id, started, started.plusSeconds(60), 1, "0/2000028", "0/2000100", version, "pg_basebackup", "test",
                Map.of("base.tar.gz", new BaseBackup.FileSum(3, "00")), parent);
    }
}
