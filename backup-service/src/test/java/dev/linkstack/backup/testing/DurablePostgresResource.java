package dev.linkstack.backup.testing;

import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.TmpfsMount;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Debian's PostgreSQL 15 with durable settings and replication allowed, set up as the deployment does it: the WAL
 * archive's clients connect as a replication-only role ({@link #REPLICATION_ROLE}, BACKUP_WAL_USER), the service's own
 * role has no REPLICATION, and it may create restore points in the {@code postgres} database only (as the README asks of
 * an operator); the service archives the WAL.
 */
public class DurablePostgresResource implements QuarkusTestResourceLifecycleManager {
    public static final String REPLICATION_ROLE = "wal_replication";
    public static final String REPLICATION_PASSWORD = "wal-secret";
    /**
     * Init argument: the backup directory (WAL archive, base backups) on a tmpfs of this size (e.g. "96m"), mounted
     * before the service starts, where mounting is allowed; the test calls {@link TmpfsMount#requireSupport()}.
     */
    public static final String BACKUP_DISK_TMPFS = "test.backup-disk-tmpfs";
    /**
     * Init argument "true": PostgreSQL 17 ({@link Postgres17}) with summarize_wal turned on, server and client programs alike
     * (the service's pg_receivewal, pg_basebackup and pg_combinebackup are 17 too), instead of Debian's 15.
     */
    public static final String POSTGRES_17 = "test.postgres-17";
    private TestPostgres postgres;
    private TmpfsMount backupDisk;
    private final Map<String, String> overrides = new HashMap<>();

    /** Settings of one test class (@QuarkusTestResource initArgs), over the ones below. */
    @Override
    public void init(Map<String, String> initArgs) {
        overrides.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        boolean postgres17 = Boolean.parseBoolean(overrides.remove(POSTGRES_17));
        postgres = TestPostgres.start((postgres17 ? PostgresServer.at(Postgres17.binDir()) : PostgresServer.installed()).durableWithReplication());
        if (postgres17) {
            // As an operator turns it on (postgresql.conf or ALTER SYSTEM, then a reload), so a test can turn it off again.
            postgres.server().execute("postgres", "ALTER SYSTEM SET summarize_wal = on", "SELECT pg_reload_conf()");
        }
        postgres.server().execute("postgres", "CREATE ROLE " + REPLICATION_ROLE + " LOGIN REPLICATION NOINHERIT PASSWORD '" + REPLICATION_PASSWORD + "'");
        // Function privileges belong to each database: granted in the maintenance database, never dumped with the app's.
        postgres.server().execute("postgres", "GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) TO " + TestPostgres.OWNER);
        String tmpfsSize = overrides.remove(BACKUP_DISK_TMPFS);
        if (tmpfsSize != null && TmpfsMount.supported()) {
            backupDisk = TmpfsMount.mount(postgres.backupDir(), tmpfsSize, false);
        }
        Map<String, String> config = new HashMap<>(postgres.config());
        if (postgres17) {
            config.put("backup.pg-bin-dir", Postgres17.binDir().toString());
        }
        config.put("backup.wal.enabled", "true");
        config.put("backup.wal.user", REPLICATION_ROLE);
        config.put("backup.wal.password", REPLICATION_PASSWORD);
        config.put("backup.wal.restart-backoff", "PT0.5S");
        config.put("backup.wal.restart-backoff-max", "PT2S");
        config.put("backup.wal.down-grace", "PT3S");
        // Restored servers live in the harness' temporary directories.
        config.put("backup.pitr.restore-root", Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString());
        // PostgreSQL refuses to run as root: restore proofs start their scratch server as the harness's service user.
        if (Processes.isRoot()) {
            config.put("backup.pitr.proof.run-as", Processes.serviceUser());
        }
        config.putAll(overrides);
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(postgres, new TestInjector.AnnotatedAndMatchesType(InjectPostgres.class, TestPostgres.class));
    }

    @Override
    public void stop() {
        if (backupDisk != null) {
            backupDisk.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
