package dev.linkstack.backup.config;

import dev.linkstack.backup.model.BackupFormat;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the backup-service is told from outside. A default is written once: here when the environment variable is
 * the setting's own name in upper case, in application.properties when it has another name or a libpq fallback.
 */
@ConfigMapping(prefix = "backup")
public interface BackupConfig {

    /** The secrets production needs, by the environment variable an operator sets: checked before the service starts. */
    static Map<String, Optional<String>> requiredSecrets(BackupConfig config) {
        Map<String, Optional<String>> secrets = new LinkedHashMap<>();
        if (config.api().enabled()) {
            secrets.put("BACKUP_API_TOKEN", config.api().token());
        }
        // A passfile is the alternative to a password in the environment.
        if (config.db().passfile().isEmpty()) {
            secrets.put("BACKUP_DB_PASSWORD (or PGPASSWORD)", config.db().password());
        }
        // Anyone may encrypt to a public key: with encryption on, only the signature tells the service's backups apart.
        if (config.encryption().recipient().filter(r -> !r.isBlank()).isPresent()) {
            secrets.put("BACKUP_SIGNING_KEY", config.encryption().signingKey());
        }
        // The archive's replication role logs in with its own password, never the dump role's.
        if (config.wal().enabled() && config.wal().user().filter(user -> !user.isBlank()).isPresent()) {
            secrets.put("BACKUP_WAL_PASSWORD", config.wal().password());
        }
        return secrets;
    }

    /** Quartz cron of the scheduled backup ("off" disables it). */
    @WithDefault("0 0 3 * * ?")
    String cron();

    /** Directory that holds the dumps and their metadata files. */
    @WithDefault("/backups")
    Path dir();

    /** Default format of a backup: gzip (plain SQL), zstd (plain SQL) or custom (pg_dump -Fc). */
    @WithDefault("gzip")
    BackupFormat compression();

    /** A pg_dump running longer than this is killed and the backup fails. */
    @WithDefault("PT2H")
    Duration timeout();

    /** Directory holding pg_dump, pg_restore and psql; empty means they are looked up on the PATH. */
    Optional<Path> pgBinDir();

    /**
     * Where else to look for client installations, one directory (or pattern with a '*' segment) each; the one
     * matching the server's major version is used.
     */
    @WithDefault("/usr/lib/postgresql/*/bin")
    java.util.List<String> pgSearchDirs();

    /**
     * zstd-jni's shared library, installed by the image. Unset, zstd-jni unpacks its own copy into java.io.tmpdir and
     * loads it from there, which fails where /tmp is mounted noexec (a Compose tmpfs).
     */
    Optional<Path> zstdLibrary();

    Database db();

    Retention retention();

    Api api();

    interface Database {
        String host();

        int port();

        String name();

        String user();

        /** Reaches pg_dump/psql as PGPASSWORD in their environment, never on the command line. */
        Optional<String> password();

        /** A libpq password file (PGPASSFILE), the alternative to a password in the environment. */
        Optional<Path> passfile();
    }

    interface Retention {
        /** Successful backups older than this many days are deleted unless kept by another rule. */
        @WithDefault("30")
        int days();

        /** The newest this many successful backups are always kept, whatever their age. */
        int keepLast();

        /** Grandfather-father-son: the newest backup of each of the last N days/weeks/months is kept. */
        int keepDaily();

        int keepWeekly();

        int keepMonthly();
    }

    Ui ui();

    Restore restore();

    interface Restore {
        /**
         * The role real restores run as (SET ROLE, e.g. the database's owner, of which the connecting role is a member
         * without its rights); empty: as the connecting role. Restore tests and dumps never use it.
         */
        Optional<String> role();
    }

    Verify verify();

    interface Verify {
        /** Quartz cron of the restore test of the newest backup ("off" disables it). Default: Sundays 05:00. */
        @WithDefault("0 0 5 ? * SUN")
        String cron();
    }

    Freshness freshness();

    interface Freshness {
        /** The freshness check is DOWN when the newest successful backup is older than this many schedule intervals. */
        @WithDefault("2")
        double factor();
    }

    Alerts alerts();

    interface Alerts {
        /** Receives a JSON event (POST) when a backup or a verification fails. */
        Optional<java.net.URI> webhookUrl();

        /** Also send the event when a backup or verification succeeds. */
        boolean onSuccess();

        /** Dead man's switch (healthchecks.io style): pinged after each successful backup, "<url>/fail" after a failed one. */
        Optional<java.net.URI> pingUrl();

        /** Delivery attempts per event (the first included). */
        int attempts();

        /** Wait before the second attempt; doubled for each further one. */
        Duration backoff();

        /** Time limit of one delivery attempt. */
        Duration timeout();
    }

    /**
     * Databases of one backup run, one dump each: a list, or "*" for every database the role may connect to
     * (templates excluded). Empty: only db.name.
     */
    Optional<java.util.List<String>> databases();

    /** Also dump roles and tablespaces (pg_dumpall --globals-only) with each run, restored first by a run restore. */
    @WithDefault("false")
    boolean globals();

    Offsite offsite();

    interface Offsite {
        /** S3-compatible endpoint (e.g. https://s3.eu-central-1.amazonaws.com or a MinIO URL); empty disables the copy. */
        Optional<java.net.URI> endpoint();

        @WithDefault("backups")
        String bucket();

        /** Key prefix inside the bucket, e.g. "prod/"; objects are named prefix + file name. */
        Optional<String> prefix();

        @WithDefault("us-east-1")
        String region();

        Optional<String> accessKey();

        Optional<String> secretKey();

        /** Path-style URLs (bucket in the path), which MinIO, S3Proxy and most non-AWS stores need. */
        @WithDefault("true")
        boolean pathStyle();

        /** Size of one multipart upload part (S3 requires at least 5 MiB except for the last part). */
        @WithDefault("16777216")
        long partSize();

        /** Off-site retention: copies older than this many days go, unless among the newest keep-last. */
        @WithDefault("90")
        int retentionDays();

        @WithDefault("7")
        int keepLast();
    }

    Encryption encryption();

    interface Encryption {
        /** age X25519 public key (age1...): when set, new backups are encrypted for it. The private key never comes here. */
        Optional<String> recipient();

        /**
         * Secret (at least 32 random characters) the service signs every backup's metadata with, and checks before
         * verify and restore: age proves nothing about who encrypted a file. Required in prod with a recipient.
         */
        Optional<String> signingKey();
    }

    Hooks hooks();

    interface Hooks {
        /** Shell command run before each backup; a non-zero exit fails the backup. */
        Optional<String> pre();

        /** Shell command run after each backup, successful or not (BACKUP_STATUS tells which). */
        Optional<String> post();

        /** A hook running longer is killed (and a pre-hook then fails the backup). */
        Duration timeout();
    }

    interface Ui {
        /** How long a sign-in to the backups page lasts. */
        @WithDefault("PT8H")
        java.time.Duration sessionTimeout();

        /** Wrong tokens from one client address on the sign-in form before it answers 429, even to the right token. */
        @WithDefault("10")
        int loginMaxFailures();

        /** How long those failures count, from the first one. */
        @WithDefault("PT15M")
        java.time.Duration loginFailureWindow();
    }

    Wal wal();

    /** Continuous WAL archiving with pg_receivewal, the half of point-in-time recovery that runs all the time. */
    interface Wal {
        /** Runs and supervises pg_receivewal on a physical replication slot; off by default. */
        @WithDefault("false")
        boolean enabled();

        /** Where the WAL archive lives; empty: {@code <backup dir>/wal}. */
        Optional<Path> dir();

        /**
         * The role pg_receivewal and pg_basebackup connect as, one with REPLICATION (e.g. a replication-only role); empty:
         * the database user ({@code backup.db.user}). Everything else (SQL, dumps) stays on the database user.
         */
        Optional<String> user();

        /** That role's password (PGPASSWORD of those two programs; the database user's passfile is not used for it). */
        Optional<String> password();

        /**
         * The database restore points are made in: restore points are cluster-wide, and EXECUTE on
         * pg_create_restore_point granted in the app's database would be dumped with it.
         */
        @WithDefault("postgres")
        String restorePointDatabase();

        /** The physical replication slot (created if missing): the server keeps WAL until the archive has it. */
        @WithDefault("linkstack_backup")
        String slot();

        /** Wait before restarting pg_receivewal after it ended; doubled for each further exit in a row. */
        @WithDefault("PT1S")
        Duration restartBackoff();

        /** The longest wait between restarts. */
        @WithDefault("PT1M")
        Duration restartBackoffMax();

        /** The wal-archive health check is DOWN when the receiver has been down longer than this. */
        @WithDefault("PT5M")
        Duration downGrace();

        /**
         * Zero-loss mode: pg_receivewal runs as a synchronous standby ({@code --synchronous}: it flushes what it
         * receives and says so at once). The server waits for it only once {@code synchronous_standby_names} names it
         * (its application_name is the slot's name): then no acknowledged commit can be missing from the archive, and
         * every commit waits for the archive's fsync - and for the receiver itself while it is down.
         */
        @WithDefault("false")
        boolean synchronous();
    }

    Base base();

    /** Base backups (pg_basebackup) that the archived WAL is replayed onto. */
    interface Base {
        /** Quartz cron of the scheduled base backup ("off" disables it, the default). */
        @WithDefault("off")
        String cron();

        RetentionOverrides retention();

        /** Incremental base backups (pg_basebackup --incremental, PostgreSQL 17+ with summarize_wal on). */
        Incremental incremental();

        interface Incremental {
            /** Whether scheduled base backups (and those not asked to be full or incremental) build chains; off by default. */
            @WithDefault("false")
            boolean enabled();

            /** Every Nth base backup of a chain is a full one, the others incremental on the one before (7: a daily cron, weekly full). */
            @WithDefault("7")
            int fullEvery();
        }

        /**
         * Retention of base backups: each rule left unset is the dumps' rule (backup.retention.*). The WAL archive
         * keeps what the oldest base backup kept needs, and nothing older.
         */
        interface RetentionOverrides {
            Optional<Integer> days();

            Optional<Integer> keepLast();

            Optional<Integer> keepDaily();

            Optional<Integer> keepWeekly();

            Optional<Integer> keepMonthly();
        }
    }

    Pitr pitr();

    /** Point-in-time restores through the API, and their proof. */
    interface Pitr {
        /**
         * The directory API restores may write into (a new data directory inside it); empty:
         * {@code <backup dir>/pitr-restore}. The command line, run by the operator on the host, may write anywhere.
         */
        Optional<Path> restoreRoot();

        /**
         * How often base backups and completed WAL segments not yet in the off-site bucket are copied there (when
         * off-site copies are configured); what fails is tried again the next time.
         */
        @WithDefault("PT1M")
        Duration offsiteEvery();

        /** Point-in-time recovery put to the test. */
        RestoreProof proof();
    }

    /**
     * The proof of a point-in-time restore: the newest fitting base backup and the archived WAL restored into a scratch
     * directory, PostgreSQL started on it until recovery reaches the target, row counts and a probe query, then the
     * server stopped and the directory removed.
     */
    interface RestoreProof {
        /** Quartz cron of the scheduled proof ("off" disables it, the default). */
        @WithDefault("off")
        String cron();

        /** What the scheduled proof recovers to: "latest", an ISO-8601 time with offset, or "restore-point:NAME". */
        @WithDefault("latest")
        String target();

        /** A query run on the restored database after recovery; it must succeed and return a row (e.g. select count(*) from links). */
        Optional<String> probeQuery();

        /** Tables to count ("schema.table" or "table" in public); empty: every user table. A listed table that is missing fails the proof. */
        Optional<java.util.List<String>> tables();

        /** The longest wait for recovery to reach the target; the proof fails when it passes. */
        @WithDefault("PT30M")
        Duration timeout();

        /** Where scratch data directories are made; empty: {@code <backup dir>/pitr-proofs/scratch}. */
        Optional<Path> scratchDir();

        /** When the service runs as root (PostgreSQL refuses to), the scratch server runs as this user (runuser -u); unneeded otherwise. */
        Optional<String> runAs();
    }

    interface Api {
        /** Off turns /api/* into 404s and lifts the token requirement (schedule-only or command-line use). */
        @WithDefault("true")
        boolean enabled();

        /** Bearer token of the REST API. */
        Optional<String> token();
    }
}
