package dev.linkstack.backup.retention;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.testing.Backups;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Retention against a real directory: exactly the expired backups go, nothing else is touched. */
class RetentionServiceTest {
    private static final Instant NOW = Instant.parse("2026-03-18T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void deletesExactlyTheExpiredBackupsOfItsDatabase() throws IOException {
        BackupStore store = new BackupStore(dir);
        BackupMetadata fresh = Backups.write(store, "shop", NOW.minus(Duration.ofDays(2)));
        BackupMetadata old1 = Backups.write(store, "shop", NOW.minus(Duration.ofDays(40)));
        BackupMetadata old2 = Backups.write(store, "shop", NOW.minus(Duration.ofDays(41)));
        BackupMetadata expired = Backups.write(store, "shop", NOW.minus(Duration.ofDays(42)));
        BackupMetadata otherDatabase = Backups.write(store, "inventory", NOW.minus(Duration.ofDays(400)));
        // Foreign files, including ones that look like the service's own.
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        Files.writeString(dir.resolve("manual-dump.sql.gz"), "operator's own dump");
        Files.writeString(dir.resolve("shop-20200101T000000000Z.sql.gz"), "a dump without metadata");
        Files.writeString(dir.resolve("shop-20200102T000000000Z.json"), "{ not json");
        Files.writeString(dir.resolve("shop-20200103T000000000Z.json"),
                "{\"id\":\"shop-20200103T000000000Z\",\"status\":\"succeeded\",\"database\":\"shop\",\"format\":\"gzip\",\"startedAt\":\"2020-01-03T00:00:00Z\"}");
        Files.writeString(dir.resolve("random.json"), "{}");
        Files.createDirectory(dir.resolve("shop-20200104T000000000Z.sql.gz.d"));

        RetentionService retention = new RetentionService(store, new RetentionPolicy(new RetentionRules(30, 3, 0, 0, 0), Clock.fixed(NOW, ZoneOffset.UTC)));
        List<String> deleted = retention.apply("shop");

        assertEquals(List.of(expired.id()), deleted);
        assertEquals(List.of(
                        "manual-dump.sql.gz",
                        "notes.txt",
                        "random.json",
                        otherDatabase.id() + ".json", otherDatabase.id() + ".sql.gz",
                        old1.id() + ".json", old1.id() + ".sql.gz",
                        old2.id() + ".json", old2.id() + ".sql.gz",
                        fresh.id() + ".json", fresh.id() + ".sql.gz",
                        "shop-20200101T000000000Z.sql.gz",
                        "shop-20200102T000000000Z.json",
                        "shop-20200103T000000000Z.json",
                        "shop-20200104T000000000Z.sql.gz.d").stream().sorted().toList(),
                files());
        assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void aSecondRunFindsNothingMoreToDelete() {
        BackupStore store = new BackupStore(dir);
        for (int day = 1; day <= 10; day++) {
            Backups.write(store, "shop", NOW.minus(Duration.ofDays(day * 10L)));
        }
        RetentionService retention = new RetentionService(store, new RetentionPolicy(new RetentionRules(30, 3, 0, 0, 0), Clock.fixed(NOW, ZoneOffset.UTC)));
        assertEquals(7, retention.apply("shop").size());
        assertEquals(List.of(), retention.apply("shop"));
        assertEquals(3, store.list().size());
    }

    @Test
    void previewNamesWhatApplyDeletesAndDeletesNothing() throws IOException {
        BackupStore store = new BackupStore(dir);
        for (int day = 1; day <= 6; day++) {
            Backups.write(store, "shop", NOW.minus(Duration.ofDays(day * 10L)));
        }
        RetentionService retention = new RetentionService(store, new RetentionPolicy(new RetentionRules(30, 2, 0, 0, 0), Clock.fixed(NOW, ZoneOffset.UTC)));
        List<String> filesBefore = files();

        RetentionPreview preview = retention.preview("shop");

        assertEquals(filesBefore, files(), "a preview deletes nothing");
        assertEquals(3, preview.keep().size());
        assertEquals("younger than 30 days", preview.keep().get(2).keptBecause());
        List<String> wouldDelete = preview.delete().stream().map(RetentionPreview.Entry::id).toList();
        assertEquals(3, wouldDelete.size());
        assertEquals(wouldDelete, retention.apply("shop"), "the preview is exactly what the next run deletes");
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
