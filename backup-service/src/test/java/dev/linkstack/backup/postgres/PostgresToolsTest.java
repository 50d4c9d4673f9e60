package dev.linkstack.backup.postgres;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.linkstack.backup.config.TestConfigs.backupConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresToolsTest {

    @Test
    void readsTheRealPgDumpVersion() {
        PostgresTools tools = tools(Map.of("backup.pg-bin-dir", "/usr/lib/postgresql/15/bin"));
        PostgresTools.ToolVersion version = tools.pgDumpVersion();
        assertEquals(15, version.major());
        assertTrue(version.text().startsWith("pg_dump (PostgreSQL) 15."), version.text());
    }

    @Test
    void aMissingPgDumpIsReportedPlainly() {
        assertEquals("pg_dump not found: install the PostgreSQL 16 client or set BACKUP_PG_BIN_DIR", PgClients.noMatch(16, java.util.List.of()));
    }

    @Test
    void connectionSettingsTravelInTheEnvironmentOnly() {
        PostgresTools tools = tools(Map.of("backup.db.host", "db.internal", "backup.db.port", "6543",
                "backup.db.user", "app", "backup.db.password", "pw-123", "backup.db.name", "shop"));
        ProcessBuilder builder = tools.command("pg_dump", "shop", java.util.List.of("--format=plain"));
        assertEquals("pw-123", builder.environment().get("PGPASSWORD"));
        assertEquals("db.internal", builder.environment().get("PGHOST"));
        assertEquals("6543", builder.environment().get("PGPORT"));
        assertEquals("app", builder.environment().get("PGUSER"));
        assertEquals("shop", builder.environment().get("PGDATABASE"));
        assertFalse(String.join(" ", builder.command()).contains("pw-123"));
    }

    @Test
    void replicationClientsConnectAsTheWalUserWithItsOwnPasswordOnly() {
        PostgresTools tools = tools(Map.of("backup.db.user", "backup", "backup.db.password", "dump-pw", "backup.db.passfile", "/run/secrets/pgpass",
                "backup.wal.user", "replicator", "backup.wal.password", "wal-pw"));
        ProcessBuilder receive = tools.replicationCommand("pg_receivewal", "shop", java.util.List.of("-D", "/wal"));
        assertEquals("replicator", receive.environment().get("PGUSER"));
        assertEquals("wal-pw", receive.environment().get("PGPASSWORD"));
        assertFalse(receive.environment().containsKey("PGPASSFILE"), "the dump role's passfile is not the replication role's");
        assertEquals(tools.command("pg_receivewal", "shop", java.util.List.of("-D", "/wal")).command(), receive.command());
        assertEquals("backup", tools.command("pg_dump", "shop", java.util.List.of()).environment().get("PGUSER"), "dumps stay the database user");
        PostgresTools withoutPassword = tools(Map.of("backup.db.user", "backup", "backup.db.password", "dump-pw", "backup.wal.user", "replicator"));
        assertFalse(withoutPassword.replicationCommand("pg_basebackup", "shop", java.util.List.of()).environment().containsKey("PGPASSWORD"),
                "never the dump role's password for another role");
        PostgresTools noWalUser = tools(Map.of("backup.db.user", "backup", "backup.db.password", "dump-pw"));
        ProcessBuilder asDatabaseUser = noWalUser.replicationCommand("pg_basebackup", "shop", java.util.List.of());
        assertEquals("backup", asDatabaseUser.environment().get("PGUSER"), "no BACKUP_WAL_USER: the database user");
        assertEquals("dump-pw", asDatabaseUser.environment().get("PGPASSWORD"));
    }

    @Test
    void onlyRealRestoresTakeTheRestoreRole() {
        PostgresTools tools = tools(Map.of("backup.db.user", "backup", "backup.restore.role", "Shop Owner"));
        ProcessBuilder restore = tools.restoreCommand("psql", "shop", java.util.List.of("--file=-"));
        assertEquals("-c role=Shop\\ Owner", restore.environment().get("PGOPTIONS"), "libpq's escape for a space");
        assertEquals("backup", restore.environment().get("PGUSER"), "it still connects as itself");
        assertFalse(tools.command("pg_restore", "shop", java.util.List.of()).environment().containsKey("PGOPTIONS")
                && tools.command("pg_restore", "shop", java.util.List.of()).environment().get("PGOPTIONS").contains("role="),
                "dumps and restore tests stay the connecting role");
        PostgresTools asItself = tools(Map.of("backup.db.user", "backup"));
        assertFalse(asItself.restoreCommand("psql", "shop", java.util.List.of()).environment().containsKey("PGOPTIONS"), "no restore role: as itself");
    }

    @Test
    void picksThePgDumpOfTheServersMajorFromTheSearchDirectories() {
        // No bin dir configured: Debian's /usr/lib/postgresql/15/bin is found through the default pattern.
        PostgresTools tools = tools(Map.of());
        assertEquals(15, tools.selectFor(15).major());
        assertEquals("/usr/lib/postgresql/15/bin/pg_dump", tools.executable("pg_dump"));
        // A newer pg_dump dumps older servers: 15 is the oldest newer one for a 13 server.
        assertEquals(15, tools.selectFor(13).major());
    }

    @Test
    void noFittingPgDumpIsAClearError() {
        PostgresTools tools = tools(Map.of());
        PostgresTools.ToolException e = assertThrows(PostgresTools.ToolException.class, () -> tools.selectFor(16));
        assertEquals("pg_dump 15 is older than the server (PostgreSQL 16): no pg_dump 16 or newer among 15 (/usr/lib/postgresql/15/bin);"
                + " install the PostgreSQL 16 client (or newer) or point BACKUP_PG_BIN_DIR at it", e.getMessage());
    }

    @Test
    void aClientMissingAtTheFirstLookUpCountsOnceItIsInstalledAndAGoneOneIsLookedForAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path bin)
            throws Exception {
        PostgresTools tools = tools(Map.of("backup.pg-bin-dir", bin.toString(), "backup.pg-search-dirs", bin.toString()));
        assertThrows(PostgresTools.ToolException.class, () -> tools.selectFor(15), "nothing installed yet");
        java.nio.file.Files.createSymbolicLink(bin.resolve("pg_dump"), java.nio.file.Path.of("/usr/lib/postgresql/15/bin/pg_dump"));
        assertEquals(15, tools.selectFor(15).major(), "installed later, found without a restart");
        java.nio.file.Files.delete(bin.resolve("pg_dump"));
        assertTrue(assertThrows(PostgresTools.ToolException.class, () -> tools.selectFor(15)).getMessage().contains("is gone"));
        java.nio.file.Files.createSymbolicLink(bin.resolve("pg_dump"), java.nio.file.Path.of("/usr/lib/postgresql/15/bin/pg_dump"));
        assertEquals(15, tools.selectFor(15).major(), "put back, found again");
    }

    @Test
    void searchPatternsExpandOneStarSegment() {
        assertEquals(java.util.List.of(java.nio.file.Path.of("/usr/lib/postgresql/15/bin")), PgClients.expand("/usr/lib/postgresql/*/bin"));
        assertEquals(java.util.List.of(), PgClients.expand("/nonexistent/*/bin"));
        assertEquals(java.util.List.of(java.nio.file.Path.of("/opt/pg/bin")), PgClients.expand("/opt/pg/bin"));
    }

    private static PostgresTools tools(Map<String, String> values) {
        var config = backupConfig(values);
        return new PostgresTools(config, new PgClients(config));
    }

    @Test
    void versionsAreParsedFromDistributionStrings() {
        assertEquals(15, PostgresTools.ToolVersion.parse("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)").orElseThrow().major());
        assertEquals(17, PostgresTools.ToolVersion.parse("pg_dump (PostgreSQL) 17.2").orElseThrow().major());
        assertTrue(PostgresTools.ToolVersion.parse("something else").isEmpty());
    }
}
