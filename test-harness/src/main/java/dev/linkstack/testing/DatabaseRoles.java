package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The app database's roles, created on a test server by the repository's own init script
 * (deploy/postgres/init-roles.sh, what the postgres container runs on its first start), so tests run with the same
 * privileges as a deployment: the owner for migrations, the app's role for everything else, the backup role, and the
 * backup-service's replication role (WAL archive).
 */
public record DatabaseRoles(String database, String owner, String ownerPassword, String app, String appPassword, String backup,
                            String backupPassword, String replication, String replicationPassword) {
    public static final String SCRIPT = "deploy/postgres/init-roles.sh";

    /** The replication role named after the backup role: {@code <backup>_replication}. */
    public DatabaseRoles(String database, String owner, String ownerPassword, String app, String appPassword, String backup, String backupPassword) {
        this(database, owner, ownerPassword, app, appPassword, backup, backupPassword, backup + "_replication", backupPassword + "-replication");
    }

    /** Roles {@code <prefix>_owner}, {@code <prefix>_app}, {@code <prefix>_backup} for {@code database}, each with its own password. */
    public static DatabaseRoles named(String database, String prefix) {
        return new DatabaseRoles(database, prefix + "_owner", prefix + "-owner-password", prefix + "_app", prefix + "-app-password",
                prefix + "_backup", prefix + "-backup-password");
    }

    /** Runs the init script as the server's superuser: the database and its roles exist afterwards. */
    public DatabaseRoles createOn(PostgresServer server) {
        Path script = Repository.root().resolve(SCRIPT);
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(server.port()));
        env.put("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD);
        env.put("POSTGRES_USER", PostgresServer.SUPERUSER);
        env.put("DB_NAME", database);
        env.put("DB_OWNER_USER", owner);
        env.put("DB_OWNER_PASSWORD", ownerPassword);
        env.put("DB_USER", app);
        env.put("DB_PASSWORD", appPassword);
        env.put("BACKUP_DB_USER", backup);
        env.put("BACKUP_DB_PASSWORD", backupPassword);
        env.put("BACKUP_REPLICATION_USER", replication);
        env.put("BACKUP_REPLICATION_PASSWORD", replicationPassword);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(SCRIPT + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return this;
    }
}
