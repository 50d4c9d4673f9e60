package dev.linkstack.backup.dump;

import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.postgres.PostgresTools.ToolVersion;
import dev.linkstack.backup.postgres.TargetDatabase.ServerVersion;
import dev.linkstack.backup.process.ExternalCommand;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DumpRunnerTest {

    @Test
    void pgDumpMustNotBeOlderThanTheServer() {
        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> DumpRunner.requireCompatible(new ToolVersion(15, "pg_dump (PostgreSQL) 15.18"), new ServerVersion(16, "16.9")));
        assertTrue(e.getMessage().startsWith("pg_dump 15 is older than the server (PostgreSQL 16)"), e.getMessage());
        assertDoesNotThrow(() -> DumpRunner.requireCompatible(new ToolVersion(16, "16"), new ServerVersion(15, "15")));
        assertDoesNotThrow(() -> DumpRunner.requireCompatible(new ToolVersion(15, "15"), new ServerVersion(15, "15")));
    }

    @Test
    void exitCodesAreExplained() {
        assertEquals("killed by signal 9", ExternalCommand.describeExit(137));
        assertEquals("exit code 1", ExternalCommand.describeExit(1));
    }

    @Test
    void idsAreFileNameSafe() {
        String id = BackupId.create("My-Shop.DB", java.time.Instant.parse("2026-03-18T12:00:00.123Z"));
        assertEquals("my_shop_db-20260318T120000123Z", id);
        assertTrue(BackupId.isValid(id));
        for (String bad : new String[] {"../x-20260318T120000123Z", "x-20260318T120000123Z.json", "x-20260318T120000123Z/", "", "X-20260318T120000123Z"}) {
            assertTrue(!BackupId.isValid(bad), bad);
        }
    }
}
