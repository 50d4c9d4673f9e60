package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;

import java.nio.file.Path;

/** Where point-in-time recovery keeps its files: the WAL archive, base backups, restore points, and where API restores go. */
public final class PitrDirs {
    private PitrDirs() {
    }

    /** BACKUP_WAL_DIR, by default {@code <backup dir>/wal}. */
    public static Path wal(BackupConfig config) {
        return config.wal().dir().orElse(config.dir().resolve("wal")).toAbsolutePath().normalize();
    }

    /** {@code <backup dir>/base}: one directory per base backup. */
    public static Path base(BackupConfig config) {
        return config.dir().resolve("base").toAbsolutePath().normalize();
    }

    /** BACKUP_PITR_RESTORE_ROOT, by default {@code <backup dir>/pitr-restore}: where API restores may write. */
    public static Path restoreRoot(BackupConfig config) {
        return config.pitr().restoreRoot().orElse(config.dir().resolve("pitr-restore")).toAbsolutePath().normalize();
    }

    /** {@code <backup dir>/restore-points}: one JSON file per restore point made through the service. */
    public static Path restorePoints(BackupConfig config) {
        return config.dir().resolve("restore-points").toAbsolutePath().normalize();
    }
}
