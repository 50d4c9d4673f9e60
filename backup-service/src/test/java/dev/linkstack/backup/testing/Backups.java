package dev.linkstack.backup.testing;

import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;

/** Dated stand-in backups, for retention and freshness tests that cannot wait for the calendar. */
public final class Backups {
    private Backups() {
    }

    public static BackupMetadata metadata(String database, Instant startedAt) {
        String id = BackupId.create(database, startedAt);
        return new BackupMetadata(id, BackupMetadata.SUCCEEDED, database, "127.0.0.1", 5432, BackupFormat.GZIP, id + ".sql.gz", 3,
                "00", startedAt, startedAt.plusSeconds(5), 5000, "pg_dump (PostgreSQL) 15", "15", "test", null, null, null);
    }

    /** Writes a fake dump plus its metadata into the store, as the service would have. */
    public static BackupMetadata write(BackupStore store, String database, Instant startedAt) {
        BackupMetadata metadata = metadata(database, startedAt);
        try {
            Files.createDirectories(store.dir());
            Files.write(store.dir().resolve(metadata.file()), new byte[] {1, 2, 3});
            store.writeMetadata(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return metadata;
    }
}
