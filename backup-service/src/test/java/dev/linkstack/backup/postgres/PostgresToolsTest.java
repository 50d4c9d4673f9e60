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
        PostgresTools tools = new PostgresTools(backupConfig(Map.of("backup.pg-bin-dir", "/usr/lib/postgresql/15/bin")));
        PostgresTools.ToolVersion version = tools.pgDumpVersion();
        assertEquals(15, version.major());
        assertTrue(version.text().startsWith("pg_dump (PostgreSQL) 15."), version.text());
    }

    @Test
    void aMissingPgDumpIsReportedPlainly() {
        PostgresTools tools = new PostgresTools(backupConfig(Map.of("backup.pg-bin-dir", "/nonexistent/bin")));
        PostgresTools.ToolException e = assertThrows(PostgresTools.ToolException.class, tools::pgDumpVersion);
        assertTrue(e.getMessage().startsWith("pg_dump not found (/nonexistent/bin/pg_dump)"), e.getMessage());
    }

    @Test
    void connectionSettingsTravelInTheEnvironmentOnly() {
        PostgresTools tools = new PostgresTools(backupConfig(Map.of("backup.db.host", "db.internal", "backup.db.port", "6543",
                "backup.db.user", "app", "backup.db.password", "pw-123", "backup.db.name", "shop")));
        ProcessBuilder builder = tools.command("pg_dump", "shop", java.util.List.of("--format=plain"));
        assertEquals("pw-123", builder.environment().get("PGPASSWORD"));
        assertEquals("db.internal", builder.environment().get("PGHOST"));
        assertEquals("6543", builder.environment().get("PGPORT"));
        assertEquals("app", builder.environment().get("PGUSER"));
        assertEquals("shop", builder.environment().get("PGDATABASE"));
        assertFalse(String.join(" ", builder.command()).contains("pw-123"));
    }

    @Test
    void versionsAreParsedFromDistributionStrings() {
        assertEquals(15, PostgresTools.ToolVersion.parse("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)").orElseThrow().major());
        assertEquals(17, PostgresTools.ToolVersion.parse("pg_dump (PostgreSQL) 17.2").orElseThrow().major());
        assertTrue(PostgresTools.ToolVersion.parse("something else").isEmpty());
    }
}
