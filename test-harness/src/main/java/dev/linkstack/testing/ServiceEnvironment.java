package dev.linkstack.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a packaged service (see {@link PackagedService}) is started with, built in one place for every test
 * and benchmark: the variables each service's {@code application.properties} reads in the prod profile, pointed at
 * the harness's servers. Callers add what their scenario changes with {@link #with}.
 */
public final class ServiceEnvironment {
    private final Map<String, String> variables = new LinkedHashMap<>();

    private ServiceEnvironment() {
    }

    /** app-service against a database owned by {@code dbUser} and a Redis with a password. */
    public static ServiceEnvironment app(PostgresServer postgres, String database, String dbUser, String dbPassword, RedisServer redis) {
        return new ServiceEnvironment()
                .with("DB_URL", postgres.jdbcUrl(database))
                .with("DB_USER", dbUser)
                .with("DB_PASSWORD", dbPassword)
                .with("REDIS_URL", redis.uri())
                .with("REDIS_PASSWORD", redis.password());
    }

    /** app-service as a deployment runs it: migrations as the database's owner, everything else as the app's role. */
    public static ServiceEnvironment app(PostgresServer postgres, DatabaseRoles roles, RedisServer redis) {
        return app(postgres, roles.database(), roles.app(), roles.appPassword(), redis)
                .with("DB_MIGRATION_USER", roles.owner())
                .with("DB_MIGRATION_PASSWORD", roles.ownerPassword());
    }

    /**
     * backup-service as a deployment runs it: as the backup role, taking the owner's role for real restores (see
     * {@link #backup(PostgresServer, String, String, Path)}).
     */
    public static ServiceEnvironment backup(PostgresServer postgres, DatabaseRoles roles, String apiToken, Path backupDir) {
        return backup(postgres, roles.database(), apiToken, backupDir)
                .with("BACKUP_DB_USER", roles.backup())
                .with("BACKUP_DB_PASSWORD", roles.backupPassword())
                .with("BACKUP_RESTORE_ROLE", roles.owner());
    }

    /**
     * backup-service backing up {@code database} as the harness's superuser with that server's own pg_dump (it must
     * not be older than the server), into {@code backupDir}; no scheduled backups, only those the caller triggers.
     */
    public static ServiceEnvironment backup(PostgresServer postgres, String database, String apiToken, Path backupDir) {
        return new ServiceEnvironment()
                .with("BACKUP_DB_HOST", "127.0.0.1")
                .with("BACKUP_DB_PORT", String.valueOf(postgres.port()))
                .with("BACKUP_DB_NAME", database)
                .with("BACKUP_DB_USER", PostgresServer.SUPERUSER)
                .with("BACKUP_DB_PASSWORD", PostgresServer.SUPERUSER_PASSWORD)
                .with("BACKUP_API_TOKEN", apiToken)
                .with("BACKUP_DIR", backupDir.toString())
                .with("BACKUP_PG_BIN_DIR", postgres.binDir())
                .with("BACKUP_CRON", "off");
    }

    /** Sets (or replaces) one variable. */
    public ServiceEnvironment with(String name, String value) {
        variables.put(name, value);
        return this;
    }

    /** Sets every variable of the map (e.g. a scenario's extra settings). */
    public ServiceEnvironment with(Map<String, String> more) {
        variables.putAll(more);
        return this;
    }

    /** A copy of the variables, in the order they were set; changing it leaves this environment as it is. */
    public Map<String, String> toMap() {
        return new LinkedHashMap<>(variables);
    }
}
