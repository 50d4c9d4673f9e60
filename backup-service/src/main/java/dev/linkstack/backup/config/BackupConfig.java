package dev.linkstack.backup.config;

import dev.linkstack.backup.backup.BackupFormat;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything the backup-service is told from outside; see application.properties for the env variables. */
@ConfigMapping(prefix = "backup")
public interface BackupConfig {

    /** Quartz cron of the scheduled backup ("off" disables it). */
    @WithDefault("0 0 3 * * ?")
    String cron();

    /** Directory that holds the dumps and their metadata files. */
    Path dir();

    /** Default format of a backup: gzip (plain SQL), zstd (plain SQL) or custom (pg_dump -Fc). */
    @WithDefault("gzip")
    BackupFormat compression();

    /** A pg_dump running longer than this is killed and the backup fails. */
    @WithDefault("PT2H")
    Duration timeout();

    /** Directory holding pg_dump, pg_restore and psql; empty means they are looked up on the PATH. */
    Optional<Path> pgBinDir();

    Database db();

    Retention retention();

    Api api();

    interface Database {
        @WithDefault("localhost")
        String host();

        @WithDefault("5432")
        int port();

        @WithDefault("postgres")
        String name();

        @WithDefault("postgres")
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
        @WithDefault("3")
        int keepLast();

        /** Grandfather-father-son: the newest backup of each of the last N days/weeks/months is kept. */
        @WithDefault("0")
        int keepDaily();

        @WithDefault("0")
        int keepWeekly();

        @WithDefault("0")
        int keepMonthly();
    }

    Ui ui();

    interface Ui {
        /** How long a sign-in to the backups page lasts. */
        @WithDefault("PT8H")
        java.time.Duration sessionTimeout();
    }

    interface Api {
        /** Off turns /api/* into 404s and lifts the token requirement (schedule-only or command-line use). */
        @WithDefault("true")
        boolean enabled();

        /** Bearer token of the REST API. */
        Optional<String> token();
    }
}
