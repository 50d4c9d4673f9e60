package dev.linkstack.deploy;

import dev.linkstack.testing.DatabaseRoles;
import dev.linkstack.testing.MachineCapabilities;
import dev.linkstack.testing.NetworkNamespaces;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated pg_hba file and server arguments on a real PostgreSQL, with the roles of the generated init script, in
 * the production Compose topology rebuilt with network namespaces (PostgreSQL on the backend network only, as in
 * Compose): the backup container opens replication connections as the replication role and receives WAL; neither the
 * app's role nor any other opens one; the replication role opens no session and holds no right; Nginx does not reach
 * the server at all. Needs root and iproute2.
 */
class ReplicationAccessTest {
    private static final int PORT = 5432;
    private static final String DB = DeploymentModel.DB_NAME.example();
    private static final String OWNER = DeploymentModel.DB_OWNER_USER.example();
    private static final String APP = DeploymentModel.DB_USER.example();
    private static final String BACKUP = DeploymentModel.BACKUP_DB_USER.example();
    private static final String REPLICATION = WalArchiving.REPLICATION_ROLE;
    private static final String APP_PASSWORD = "replication-test-app-password";
    private static final String BACKUP_PASSWORD = "replication-test-backup-password";
    private static final String REPLICATION_PASSWORD = "replication-test-replication-password";
    private static final String OWNER_PASSWORD = "replication-test-owner-password";
    /** The superuser the postgres image creates and runs its init scripts as (the pg_hba file's one local line). */
    private static final String IMAGE_SUPERUSER = dev.linkstack.deploy.DatabaseRoles.SUPERUSER;

    private static NetworkNamespaces net;
    private static PostgresServer postgres;
    private static Path workDir;
    private static String hbaFile;

    record Result(int exit, String output) {
    }

    @BeforeAll
    static void startPostgresWithTheGeneratedFiles() throws IOException {
        Assumptions.assumeTrue(MachineCapabilities.present("network namespaces (root and iproute2)",
                NetworkNamespaces.available() ? null : "not root, or no ip command"));
        workDir = Processes.openTempDir("replication-");
        // The committed file, where the server's user can read it.
        Path hba = workDir.resolve(WalArchiving.HBA_NAME);
        Files.copy(RepositoryFiles.path(WalArchiving.HBA_PATH), hba);
        hbaFile = hba.toString();
        net = new NetworkNamespaces("rp" + ProcessHandle.current().pid() % 100000);
        Deployment production = DeploymentModel.production();
        for (String host : List.of("postgres", DeploymentModel.appInstanceName(1), "backup", "nginx")) {
            net.host(host, production.service(host).networks());
        }
        net.writeHostsFiles();

        postgres = PostgresServer.installed().start();
        new DatabaseRoles(DB, OWNER, OWNER_PASSWORD, APP, APP_PASSWORD, BACKUP, BACKUP_PASSWORD, REPLICATION, REPLICATION_PASSWORD).createOn(postgres);
        postgres.stop();
        // The server arguments of the Compose file and the Kubernetes StatefulSet, with the pg_hba file's path here.
        postgres.startInside(net.exec("postgres"), "0.0.0.0", PORT, WalArchiving.serverSettings(hbaFile));
    }

    @AfterAll
    static void tearDown() {
        if (postgres != null) {
            postgres.close();
        }
        if (net != null) {
            net.close();
        }
        if (workDir != null) {
            Processes.deleteRecursively(workDir);
        }
    }

    @Test
    void theServerRunsOnTheGeneratedSettingsAndPgHba() {
        assertEquals(hbaFile, superuser("SHOW hba_file"));
        assertEquals("replica", superuser("SHOW wal_level"));
        assertEquals(String.valueOf(WalArchiving.MAX_WAL_SENDERS), superuser("SHOW max_wal_senders"));
        assertEquals(String.valueOf(WalArchiving.MAX_REPLICATION_SLOTS), superuser("SHOW max_replication_slots"));
        assertEquals(WalArchiving.MAX_SLOT_WAL_KEEP_SIZE, superuser("SHOW max_slot_wal_keep_size"));
        assertEquals("0", superuser("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"), "the file parses");
        assertEquals(REPLICATION, superuser("SELECT string_agg(array_to_string(user_name, ','), ';') FROM pg_hba_file_rules"
                + " WHERE 'replication' = ANY(database)"), "the server's one replication rule names the replication role alone");
    }

    @Test
    void theBackupContainerStreamsWalAsTheReplicationRole() throws IOException {
        Result identify = replication("backup", REPLICATION, REPLICATION_PASSWORD);
        assertEquals(0, identify.exit(), identify.output());
        assertEquals(superuser("SELECT system_identifier FROM pg_control_system()"), identify.output().strip().split("\\|")[0], identify.output());

        // What backup-service's receiver does: create its slot, then receive WAL on it, over the backend network.
        Path archive = Files.createDirectories(workDir.resolve("wal"));
        Result slot = run("backup", REPLICATION_PASSWORD, bin("pg_receivewal"), "-h", "postgres", "-p", String.valueOf(PORT), "-U", REPLICATION,
                "-D", archive.toString(), "--slot=linkstack_backup", "--create-slot", "--if-not-exists");
        assertEquals(0, slot.exit(), slot.output());
        assertEquals("physical", superuser("SELECT slot_type FROM pg_replication_slots WHERE slot_name = 'linkstack_backup'"));
        String until = superuser("SELECT pg_current_wal_flush_lsn()");
        Result received = run("backup", REPLICATION_PASSWORD, bin("pg_receivewal"), "-h", "postgres", "-p", String.valueOf(PORT), "-U", REPLICATION,
                "-D", archive.toString(), "--slot=linkstack_backup", "--no-loop", "--endpos=" + until);
        assertEquals(0, received.exit(), received.output());
        try (var files = Files.list(archive)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("[0-9A-F]{24}(\\.partial)?")), "a WAL segment arrived");
        }
        assertNotEquals("", superuser("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'linkstack_backup'"), "the slot holds WAL for the archive");
    }

    @Test
    void noOtherRoleOpensAReplicationConnection() {
        // Positive control: the app's role does get in, to its database, from its container: what stops it below is pg_hba.
        Result session = run(DeploymentModel.appInstanceName(1), APP_PASSWORD, bin("psql"), "-X", "-At", "-c", "SELECT current_user",
                "host=postgres port=" + PORT + " dbname=" + DB + " user=" + APP);
        assertEquals(0, session.exit(), session.output());
        assertEquals(APP, session.output().strip());

        for (String[] attempt : new String[][] {{DeploymentModel.appInstanceName(1), APP, APP_PASSWORD}, {"backup", APP, APP_PASSWORD},
                {"backup", BACKUP, BACKUP_PASSWORD}, {DeploymentModel.appInstanceName(1), OWNER, OWNER_PASSWORD},
                {"backup", PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD}}) {
            Result refused = replication(attempt[0], attempt[1], attempt[2]);
            assertNotEquals(0, refused.exit(), attempt[1] + " from " + attempt[0] + ": " + refused.output());
            assertTrue(refused.output().contains("no pg_hba.conf entry for replication connection") && refused.output().contains("user \"" + attempt[1] + "\""),
                    refused.output());
        }
    }

    @Test
    void theReplicationRoleOpensNoSessionAndHoldsNoRight() {
        for (String database : List.of(DB, "postgres", "template1")) {
            Result refused = run("backup", REPLICATION_PASSWORD, bin("psql"), "-X", "-At", "-c", "SELECT 1",
                    "host=postgres port=" + PORT + " dbname=" + database + " user=" + REPLICATION);
            assertNotEquals(0, refused.exit(), database + ": " + refused.output());
            assertTrue(refused.output().contains("pg_hba.conf rejects connection"), refused.output());
        }
        assertEquals("f|f|f|f|t|t|f|-1", superuser("SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls,"
                + " rolconnlimit FROM pg_roles WHERE rolname = '" + REPLICATION + "'"), "login and replication only");
        assertEquals("0", superuser(membershipsOf(REPLICATION)), "a member of no role, and no role a member of it");
        // pg_shdepend records every object a role owns and every grant to it, in every database of the cluster.
        assertEquals("0", superuser(dependenciesOf(REPLICATION)), "owns nothing, named in no grant");
        // Controls: the same queries do see the backup role's grants (CONNECT on the database, pg_read_all_data).
        assertNotEquals("0", superuser(dependenciesOf(BACKUP)));
        assertNotEquals("0", superuser(membershipsOf(BACKUP)));
    }

    /** What backup-service does for a named restore point: as its own role, from the postgres database, which alone holds the grant. */
    @Test
    void theBackupRoleCreatesRestorePointsFromThePostgresDatabaseOnly() {
        Result made = run("backup", BACKUP_PASSWORD, bin("psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c",
                "SELECT pg_create_restore_point('replication_access_test') IS NOT NULL", "host=postgres port=" + PORT + " dbname=postgres user=" + BACKUP);
        assertEquals(0, made.exit(), made.output());
        assertEquals("t", made.output().strip());
        Result refused = run("backup", BACKUP_PASSWORD, bin("psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c",
                "SELECT pg_create_restore_point('in_app_db')", "host=postgres port=" + PORT + " dbname=" + DB + " user=" + BACKUP);
        assertNotEquals(0, refused.exit(), refused.output());
        assertTrue(refused.output().contains("permission denied for function pg_create_restore_point"), refused.output());
    }

    /** The image runs its init scripts (the roles' script) as the postgres OS user, over the socket, as the superuser postgres. */
    @Test
    void onlyThePostgresOsUserGetsInOverTheSocketAsTheSuperuser() {
        Assumptions.assumeTrue(Processes.serviceUser().equals(IMAGE_SUPERUSER), "the server runs as " + Processes.serviceUser());
        superuser("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + IMAGE_SUPERUSER + "') THEN CREATE ROLE "
                + IMAGE_SUPERUSER + " SUPERUSER LOGIN; END IF; END $$");
        String socketDir = postgres.dataDir().getParent().toString();
        List<String> asSuperuser = List.of(bin("psql"), "-X", "-At", "-h", socketDir, "-p", String.valueOf(PORT), "-d", "postgres", "-U",
                IMAGE_SUPERUSER, "-c", "SELECT current_user");
        Result peer = run("postgres", "", Processes.asServiceUser(asSuperuser).toArray(String[]::new));
        assertEquals(0, peer.exit(), peer.output());
        assertEquals(IMAGE_SUPERUSER, peer.output().strip());
        Result otherOsUser = run("postgres", "", asSuperuser.toArray(String[]::new));
        assertNotEquals(0, otherOsUser.exit(), otherOsUser.output());
        assertTrue(otherOsUser.output().contains("Peer authentication failed"), otherOsUser.output());
        Result app = run("postgres", APP_PASSWORD, Processes.asServiceUser(List.of(bin("psql"), "-X", "-At", "-h", socketDir, "-p", String.valueOf(PORT),
                "-d", DB, "-U", APP, "-c", "SELECT 1")).toArray(String[]::new));
        assertNotEquals(0, app.exit(), app.output());
        assertTrue(app.output().contains("no pg_hba.conf entry for host \"[local]\""), app.output());
    }

    @Test
    void theReplicationConnectionStaysOnTheBackendNetwork() {
        String server = net.address("postgres", DeploymentModel.BACKEND_NETWORK);
        assertTrue(net.canConnect("backup", server, PORT), "the backup container reaches PostgreSQL over the backend network");
        assertFalse(net.canConnect("nginx", server, PORT), "Nginx, on the frontend network only, does not reach PostgreSQL");
        Result fromNginx = run("nginx", REPLICATION_PASSWORD, bin("psql"), "-X", "-At", "-c", "IDENTIFY_SYSTEM",
                "host=" + server + " port=" + PORT + " dbname=replication replication=true connect_timeout=3 user=" + REPLICATION);
        assertNotEquals(0, fromNginx.exit(), fromNginx.output());
        assertFalse(fromNginx.output().contains("pg_hba"), "refused by the network, before PostgreSQL: " + fromNginx.output());
    }

    private static String membershipsOf(String role) {
        return "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid IN (m.member, m.roleid) WHERE r.rolname = '" + role + "'";
    }

    private static String dependenciesOf(String role) {
        return "SELECT count(*) FROM pg_shdepend d JOIN pg_roles r ON d.refclassid = 'pg_authid'::regclass AND d.refobjid = r.oid WHERE r.rolname = '"
                + role + "' AND d.deptype IN ('o', 'a', 'i', 'r')";
    }

    /** IDENTIFY_SYSTEM on a physical replication connection, as pg_receivewal and pg_basebackup open it. */
    private static Result replication(String host, String user, String password) {
        return run(host, password, bin("psql"), "-X", "-At", "-c", "IDENTIFY_SYSTEM",
                "host=postgres port=" + PORT + " dbname=replication replication=true user=" + user);
    }

    /** A query as the test server's superuser, from the backup container (password over the network). */
    private static String superuser(String sql) {
        Result result = run("backup", PostgresServer.SUPERUSER_PASSWORD, bin("psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql,
                "host=postgres port=" + PORT + " dbname=" + DB + " user=" + PostgresServer.SUPERUSER);
        assertEquals(0, result.exit(), sql + ": " + result.output());
        return result.output().strip();
    }

    private static String bin(String tool) {
        return Path.of(postgres.binDir(), tool).toString();
    }

    /** A client program inside a host, the password in its environment; exit code and output (stdout and stderr). */
    private static Result run(String host, String password, String... command) {
        List<String> full = new ArrayList<>(net.exec(host));
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        builder.environment().put("PGCONNECT_TIMEOUT", "5");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
