package dev.linkstack.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * What PostgreSQL needs so that backup-service can archive its WAL (point-in-time recovery), the same for Compose and
 * Kubernetes: the WAL settings as server arguments, a replication role that backup-service alone uses (created by the
 * roles' init script), and a pg_hba file with one replication line, for that role. The file is mounted into the stock
 * image and named with {@code hba_file}: the image's own pg_hba.conf in the data directory is not read.
 */
public final class WalArchiving {
    /** Named in pg_hba.conf, which cannot read the environment: fixed here rather than set in the .env file. */
    public static final String REPLICATION_ROLE = "linkstack_replication";
    /** Where the Compose file's pg_hba lives in the repository (mounted read-only). */
    public static final String HBA_PATH = "deploy/postgres/pg_hba.conf";
    /** Where the server reads it inside the container (Compose bind mount, Kubernetes ConfigMap volume). */
    public static final String CONFIG_DIR = "/etc/postgresql";
    public static final String HBA_NAME = "pg_hba.conf";
    public static final String HBA_FILE = CONFIG_DIR + "/" + HBA_NAME;
    /** BACKUP_WAL_DIR in the backup container: a volume of its own, sized for the WAL archive. */
    public static final String WAL_DIR = "/wal";
    /** pg_receivewal and the WAL stream of a running pg_basebackup need two; two more for a manual base backup or a retry. */
    public static final int MAX_WAL_SENDERS = 4;
    /** The archive's slot and the temporary slot of each pg_basebackup -X stream; the rest spare. */
    public static final int MAX_REPLICATION_SLOTS = 4;
    /**
     * The most WAL the archive's slot may hold back on the server's own volume. Past it the slot is invalidated: the
     * server keeps running (instead of filling its volume and stopping), and the archive gets a gap until a new slot and
     * base backup.
     */
    public static final String MAX_SLOT_WAL_KEEP_SIZE = "4GB";
    /**
     * Where replication connections may come from. Compose: {@code samenet}, the subnets PostgreSQL's own interfaces
     * are on, which is the internal backend network alone. Kubernetes: pod addresses change with every restart, so the
     * rule cannot name the backup pod; the NetworkPolicy (only app-service and backup-service reach PostgreSQL) and the
     * role's password, which only the backup pod gets, keep it to backup-service.
     */
    public static final String COMPOSE_REPLICATION_FROM = "samenet";
    public static final String KUBERNETES_REPLICATION_FROM = "all";

    private WalArchiving() {
    }

    /** The server's command line in the stock image: its entrypoint runs it (and its init scripts' server) with these. */
    public static List<String> serverCommand() {
        List<String> command = new ArrayList<>(List.of("postgres"));
        for (String setting : serverSettings(HBA_FILE)) {
            command.add("-c");
            command.add(setting);
        }
        return command;
    }

    /** {@code name=value} settings of the server, with the pg_hba file at {@code hbaFile}. */
    public static List<String> serverSettings(String hbaFile) {
        return List.of("hba_file=" + hbaFile, "wal_level=replica", "max_wal_senders=" + MAX_WAL_SENDERS,
                "max_replication_slots=" + MAX_REPLICATION_SLOTS, "max_slot_wal_keep_size=" + MAX_SLOT_WAL_KEEP_SIZE);
    }

    /** The pg_hba file: first match wins, so the role's reject line keeps it to replication connections. */
    public static String hbaFile(String header, String replicationFrom, String replicationFromMeans) {
        String[][] rules = {
                {"# The image's init scripts (the roles' script among them): the superuser over the socket, as the postgres OS user."},
                {"local", "all", DatabaseRoles.SUPERUSER, "", "peer"},
                {"# WAL for point-in-time recovery: backup-service's replication role, and no other, from " + replicationFromMeans + "."},
                {"host", "replication", REPLICATION_ROLE, replicationFrom, "scram-sha-256"},
                {"# That role opens replication connections only: no session in any database."},
                {"host", "all", REPLICATION_ROLE, "all", "reject"},
                {"# Every other role: its password (SCRAM) over the network, as the image's own default."},
                {"host", "all", "all", "all", "scram-sha-256"},
        };
        StringBuilder text = new StringBuilder(header).append(String.format("%-7s %-12s %-22s %-8s %s\n", "# TYPE", "DATABASE", "USER", "ADDRESS", "METHOD"));
        for (String[] rule : rules) {
            text.append(rule.length == 1 ? rule[0] + "\n"
                    : String.format("%-7s %-12s %-22s %-8s %s\n", (Object[]) rule).replaceAll(" +\n", "\n"));
        }
        return text.toString();
    }
}
