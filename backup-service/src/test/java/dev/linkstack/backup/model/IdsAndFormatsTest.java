package dev.linkstack.backup.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ids double as file names and formats come from users: both are parsed strictly. */
class IdsAndFormatsTest {
    private static final Instant AT = Instant.parse("2026-03-18T12:00:00.123Z");

    @Test
    void runIdsCarryTheStartLikeBackupIds() {
        assertEquals("run-20260318T120000123Z", RunId.create(AT));
        assertTrue(RunId.isValid(RunId.create(AT)));
        for (String bad : new String[] {null, "", "run-x", "run-20260318T120000123Z.json", "../run-20260318T120000123Z", "shop-20260318T120000123Z"}) {
            assertFalse(RunId.isValid(bad), String.valueOf(bad));
        }
    }

    @Test
    void slugsAreShortAndFileNameSafe() {
        assertEquals("db", BackupId.slug(""));
        assertEquals(40, BackupId.slug("x".repeat(80)).length());
        assertEquals("a_b_c", BackupId.slug("A.b/C"));
    }

    @Test
    void formatsAreReadFromTheirLabelsOnly() {
        assertEquals(Optional.of(BackupFormat.ZSTD), BackupFormat.fromLabel(" ZSTD "));
        assertEquals(Optional.of(BackupFormat.CUSTOM), BackupFormat.fromLabel("custom"));
        assertEquals(Optional.empty(), BackupFormat.fromLabel("rar"));
        assertEquals(Optional.empty(), BackupFormat.fromLabel(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackupFormat.fromJson("rar"));
        assertEquals("unknown format 'rar' (use gzip, zstd or custom)", e.getMessage());
        assertTrue(BackupFormat.GZIP.isPlainSql() && BackupFormat.ZSTD.isPlainSql() && !BackupFormat.CUSTOM.isPlainSql());
        assertEquals(".sql.gz", BackupFormat.GZIP.extension());
    }
}
