package dev.linkstack.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * The one model of the deployment. Everything under deploy/ and the .env examples are rendered from here, so
 * dev, production and the Nginx configuration cannot drift apart.
 */
public final class DeploymentModel {
    /** Stateless app instances behind Nginx in production. */
    public static final int APP_INSTANCES = 2;
    /** Where the app listens: its own default (PORT). */
    public static final int APP_PORT = Integer.parseInt(ServiceDefaults.APP.of("PORT"));
    /** The unprivileged Nginx image listens on a high port; the host maps HTTP_PORT onto it. */
    public static final int NGINX_PORT = 8080;
    public static final String BACKEND_NETWORK = "backend";
    public static final String FRONTEND_NETWORK = "frontend";
    /** Outbound only, for the backup-service: alert webhooks, dead-man's-switch pings, off-site copies. */
    public static final String EGRESS_NETWORK = "egress";
    /** Where backup-service writes inside its container (BACKUP_DIR, its own default too): the host folder is mounted there. */
    public static final String BACKUP_CONTAINER_DIR = "/backups";
    /** Paths in Compose files are relative to deploy/, the folder they live in. */
    static final String REPOSITORY_ROOT_FROM_DEPLOY = "..";

    private DeploymentModel() {
    }

    // ---------------------------------------------------------------------------------------------------------
    // Variables of .env.production.example
    // ---------------------------------------------------------------------------------------------------------
    static final EnvVar VERSION = EnvVar.setting("LINKSTACK_VERSION", "latest", "Tag of the images built from this repository.");
    static final EnvVar HTTP_PORT = EnvVar.setting("HTTP_PORT", "80", "Host port Nginx publishes; the only published port. Put a TLS terminator in front or change to your setup.");
    static final EnvVar PUBLIC_BASE_URL = EnvVar.setting("PUBLIC_BASE_URL", "https://s.example.org/", "Base of the short URLs handed out, with a trailing slash.");
    static final EnvVar DB_NAME = EnvVar.setting("DB_NAME", "linkstack", "PostgreSQL database of the app.");
    static final EnvVar POSTGRES_PASSWORD = EnvVar.secret("POSTGRES_PASSWORD", "Password of PostgreSQL's superuser (postgres): only the first start uses it, to create the roles below. Generate one: openssl rand -base64 32");
    static final EnvVar DB_OWNER_USER = EnvVar.setting("DB_OWNER_USER", "linkstack_owner", "PostgreSQL role that owns DB_NAME; only the app's migrations connect as it.");
    static final EnvVar DB_OWNER_PASSWORD = EnvVar.secret("DB_OWNER_PASSWORD", "PostgreSQL password of DB_OWNER_USER. Generate one: openssl rand -base64 32");
    static final EnvVar DB_USER = EnvVar.serviceDefault("DB_USER", ServiceDefaults.APP, "PostgreSQL role the app runs as: reads and writes rows of the owner's tables, no DDL.");
    static final EnvVar DB_PASSWORD = EnvVar.secret("DB_PASSWORD", "PostgreSQL password of DB_USER. Generate one: openssl rand -base64 32");
    static final EnvVar BACKUP_DB_USER = EnvVar.setting("BACKUP_DB_USER", "linkstack_backup", "PostgreSQL role of backup-service: reads every table, creates and drops its scratch databases.");
    static final EnvVar BACKUP_DB_PASSWORD = EnvVar.secret("BACKUP_DB_PASSWORD", "PostgreSQL password of BACKUP_DB_USER. Generate one: openssl rand -base64 32");
    static final EnvVar REDIS_PASSWORD = EnvVar.secret("REDIS_PASSWORD", "Redis requirepass, used by every app instance. Generate one: openssl rand -base64 32");
    static final EnvVar REDIS_MAXMEMORY = EnvVar.setting("REDIS_MAXMEMORY", "256mb", "Memory limit of the Redis of sessions and counters, which evicts nothing (noeviction): when full, new sessions are refused (503), none is lost.");
    static final EnvVar REDIS_CACHE_MAXMEMORY = EnvVar.setting("REDIS_CACHE_MAXMEMORY", "128mb", "Memory limit of the redirect cache's own Redis; when full it evicts the least recently used entries (allkeys-lru).");
    static final EnvVar REGISTRATION_ENABLED = EnvVar.serviceDefault("REGISTRATION_ENABLED", ServiceDefaults.APP, "Whether anyone can register; the first account becomes admin. Set to false once your accounts exist.");
    static final EnvVar REGISTRATION_INVITE_ONLY = EnvVar.serviceDefault("REGISTRATION_INVITE_ONLY", ServiceDefaults.APP, "With registration open: only people with a single-use invite code from an admin (POST /api/admin/invites) can register.");
    static final EnvVar LINKS_BLOCKED_DOMAINS = EnvVar.serviceDefault("LINKS_BLOCKED_DOMAINS", ServiceDefaults.APP, "Comma-separated domains no link may point to (subdomains included), e.g. known phishing hosts.");
    static final EnvVar SESSION_COOKIE_SECURE = EnvVar.serviceDefault("SESSION_COOKIE_SECURE", ServiceDefaults.APP, "Secure flag of the session cookie; keep true behind HTTPS.");
    static final EnvVar BACKUP_API_TOKEN = EnvVar.secret("BACKUP_API_TOKEN", "Bearer token of the backup-service API. Generate one: openssl rand -hex 32");
    static final EnvVar BACKUP_CRON = EnvVar.setting("BACKUP_CRON", "0 0 3 * * ?", "When backups run (Quartz cron, seconds first); default daily at 03:00.");
    static final EnvVar BACKUP_RETENTION_DAYS = EnvVar.setting("BACKUP_RETENTION_DAYS", "30", "Backups older than this many days are deleted...");
    static final EnvVar BACKUP_KEEP_LAST = EnvVar.serviceDefault("BACKUP_KEEP_LAST", ServiceDefaults.BACKUP, "...but the newest this many successful backups are always kept.");
    static final EnvVar BACKUP_COMPRESSION = EnvVar.setting("BACKUP_COMPRESSION", "gzip", "gzip, zstd (plain SQL) or custom (pg_dump -Fc).");
    static final EnvVar BACKUP_VERIFY_CRON = EnvVar.setting("BACKUP_VERIFY_CRON", "0 0 5 ? * SUN", "When the newest backup is restored into a scratch database as a test (Quartz cron); default Sundays 05:00.");
    static final EnvVar BACKUP_ALERT_WEBHOOK_URL = EnvVar.serviceDefault("BACKUP_ALERT_WEBHOOK_URL", ServiceDefaults.BACKUP, "Optional: receives a JSON event when a backup or restore test fails (keep it private if it carries a token). Needs a route out of the backend network.");
    static final EnvVar BACKUP_ALERT_PING_URL = EnvVar.serviceDefault("BACKUP_ALERT_PING_URL", ServiceDefaults.BACKUP, "Optional dead man's switch (e.g. https://hc-ping.com/<uuid>): pinged after each successful backup, <url>/fail after a failed one.");
    static final EnvVar BACKUP_ENCRYPTION_RECIPIENT = EnvVar.setting("BACKUP_ENCRYPTION_RECIPIENT", "", "Optional age public key (age1..., from age-keygen): backups are encrypted for it; keep the private key elsewhere.");
    static final EnvVar BACKUP_SIGNING_KEY = EnvVar.setting("BACKUP_SIGNING_KEY", "", "Required with BACKUP_ENCRYPTION_RECIPIENT: signs every backup so a forged one is refused (openssl rand -hex 32); keep it with the age private key.");
    static final EnvVar BACKUP_DATABASES = EnvVar.setting("BACKUP_DATABASES", "", "Optional: comma-separated databases to back up in each run, or * for all (default: DB_NAME only).");
    static final EnvVar BACKUP_GLOBALS = EnvVar.setting("BACKUP_GLOBALS", "false", "Also back up roles and tablespaces (pg_dumpall --globals-only) with each run.");
    static final EnvVar BACKUP_OFFSITE_ENDPOINT = EnvVar.setting("BACKUP_OFFSITE_ENDPOINT", "", "Optional S3-compatible endpoint for off-site copies (e.g. https://s3.eu-central-1.amazonaws.com). Needs a route out of the backend network.");
    static final EnvVar BACKUP_OFFSITE_BUCKET = EnvVar.setting("BACKUP_OFFSITE_BUCKET", "backups", "Bucket of the off-site copies (must exist).");
    static final EnvVar BACKUP_OFFSITE_ACCESS_KEY = EnvVar.setting("BACKUP_OFFSITE_ACCESS_KEY", "", "Access key for the off-site bucket (only when BACKUP_OFFSITE_ENDPOINT is set).");
    static final EnvVar BACKUP_OFFSITE_SECRET_KEY = EnvVar.setting("BACKUP_OFFSITE_SECRET_KEY", "", "Secret key for the off-site bucket (only when BACKUP_OFFSITE_ENDPOINT is set); keep this file private.");
    static final EnvVar BACKUP_HOST_DIR = EnvVar.setting("BACKUP_HOST_DIR", "../backups", "Host folder receiving the backups (relative to deploy/); keep it on another disk or copy it off-site.");
    static final EnvVar BACKUP_REPLICATION_PASSWORD = EnvVar.secret("BACKUP_REPLICATION_PASSWORD", "PostgreSQL password of " + WalArchiving.REPLICATION_ROLE
            + ", the role of backup-service's WAL archive (replication connections only). Generate one: openssl rand -base64 32");
    static final EnvVar BACKUP_WAL_ENABLED = EnvVar.setting("BACKUP_WAL_ENABLED", "true", "Point-in-time recovery: backup-service archives the server's WAL (pg_receivewal on a replication slot) into BACKUP_WAL_HOST_DIR,\n"
            + "connecting as " + WalArchiving.REPLICATION_ROLE + " (BACKUP_WAL_USER, password BACKUP_REPLICATION_PASSWORD); false turns it off, see README \"Point-in-time recovery\".");
    static final EnvVar BACKUP_BASE_CRON = EnvVar.setting("BACKUP_BASE_CRON", "0 0 2 * * ?", "With BACKUP_WAL_ENABLED: when base backups (pg_basebackup) run (Quartz cron; daily at 02:00, \"off\" for none); recovery starts from one.");
    static final EnvVar BACKUP_WAL_HOST_DIR = EnvVar.setting("BACKUP_WAL_HOST_DIR", "../backups-wal", "Host folder of the WAL archive (relative to deploy/), owned by uid 1001; size it as README \"Point-in-time recovery\" says.");

    public static List<EnvVar> productionEnv() {
        return List.of(VERSION, HTTP_PORT, PUBLIC_BASE_URL, DB_NAME, POSTGRES_PASSWORD, DB_OWNER_USER, DB_OWNER_PASSWORD, DB_USER, DB_PASSWORD,
                BACKUP_DB_USER, BACKUP_DB_PASSWORD, REDIS_PASSWORD, REDIS_MAXMEMORY, REDIS_CACHE_MAXMEMORY,
                REGISTRATION_ENABLED, REGISTRATION_INVITE_ONLY, LINKS_BLOCKED_DOMAINS, SESSION_COOKIE_SECURE, BACKUP_API_TOKEN, BACKUP_CRON, BACKUP_RETENTION_DAYS, BACKUP_KEEP_LAST,
                BACKUP_COMPRESSION, BACKUP_VERIFY_CRON, BACKUP_ALERT_WEBHOOK_URL, BACKUP_ALERT_PING_URL, BACKUP_ENCRYPTION_RECIPIENT, BACKUP_SIGNING_KEY, BACKUP_DATABASES, BACKUP_GLOBALS, BACKUP_OFFSITE_ENDPOINT, BACKUP_OFFSITE_BUCKET,
                BACKUP_OFFSITE_ACCESS_KEY, BACKUP_OFFSITE_SECRET_KEY, BACKUP_HOST_DIR, BACKUP_REPLICATION_PASSWORD, BACKUP_WAL_ENABLED, BACKUP_BASE_CRON,
                BACKUP_WAL_HOST_DIR);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Variables of .env.docker.example (the dev Compose file)
    // ---------------------------------------------------------------------------------------------------------
    static final EnvVar DEV_APP_PORT = EnvVar.setting("APP_PORT", "8080", "Host port of the app in the dev setup.");
    static final EnvVar DEV_PUBLIC_BASE_URL = EnvVar.setting("PUBLIC_BASE_URL", "http://localhost:8080/", "Base of the short URLs handed out.");
    static final EnvVar DEV_REGISTRATION_ENABLED = EnvVar.setting("REGISTRATION_ENABLED", "true", "Whether anyone can register; the first account becomes admin.");

    public static List<EnvVar> dockerEnv() {
        return List.of(DEV_APP_PORT, DEV_PUBLIC_BASE_URL, DEV_REGISTRATION_ENABLED);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Redis: sessions, sign-in and click counters on one that never evicts, the redirect cache on one of its own that
    // evicts under memory pressure, so the cache can never push state out.
    // ---------------------------------------------------------------------------------------------------------
    public static final String STATE_REDIS = "redis";
    public static final String CACHE_REDIS = "redis-cache";
    public static final String STATE_REDIS_POLICY = "noeviction";
    public static final String CACHE_REDIS_POLICY = "allkeys-lru";

    /** The redis-server command line of each; {@code $} marks the shell's variables (Compose doubles it). */
    static String stateRedisCommand(String maxmemory) {
        return "exec redis-server --requirepass \"$REDIS_PASSWORD\" --appendonly yes --appendfsync everysec"
                + " --maxmemory " + maxmemory + " --maxmemory-policy " + STATE_REDIS_POLICY + " --save \"\"";
    }

    /** Nothing to keep: a restart starts with an empty cache, filled again from the database. */
    static String cacheRedisCommand(String maxmemory) {
        return "exec redis-server --requirepass \"$REDIS_PASSWORD\" --appendonly no --save \"\""
                + " --maxmemory " + maxmemory + " --maxmemory-policy " + CACHE_REDIS_POLICY;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Production: PostgreSQL and Redis on an internal network, app instances behind Nginx, backups to the host
    // ---------------------------------------------------------------------------------------------------------
    public static Deployment production() {
        List<Service> services = new ArrayList<>();

        services.add(new Service("postgres")
                .image("postgres:16-alpine")
                // The superuser creates the database and its roles on the first start (the init script), then nobody uses it.
                .env("POSTGRES_USER", DatabaseRoles.SUPERUSER)
                .env("POSTGRES_PASSWORD", POSTGRES_PASSWORD.reference())
                .env("DB_NAME", DB_NAME.reference())
                .env("DB_OWNER_USER", DB_OWNER_USER.reference())
                .env("DB_OWNER_PASSWORD", DB_OWNER_PASSWORD.reference())
                .env("DB_USER", DB_USER.reference())
                .env("DB_PASSWORD", DB_PASSWORD.reference())
                .env("BACKUP_DB_USER", BACKUP_DB_USER.reference())
                .env("BACKUP_DB_PASSWORD", BACKUP_DB_PASSWORD.reference())
                .env("BACKUP_REPLICATION_USER", WalArchiving.REPLICATION_ROLE)
                .env("BACKUP_REPLICATION_PASSWORD", BACKUP_REPLICATION_PASSWORD.reference())
                // The WAL settings and the pg_hba file backup-service's WAL archive needs (WalArchiving).
                .command(WalArchiving.serverCommand().toArray(String[]::new))
                .volume("postgres-data:/var/lib/postgresql/data")
                .volume("./postgres/init-roles.sh:" + DatabaseRoles.INIT_DIR + "/" + DatabaseRoles.SCRIPT_NAME + ":ro")
                .volume("./postgres/" + WalArchiving.HBA_NAME + ":" + WalArchiving.HBA_FILE + ":ro")
                .tmpfs("/var/run/postgresql", "/tmp")
                // The entrypoint prepares the data directory as root, then drops to the postgres user.
                .capAdd("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID")
                .networks(BACKEND_NETWORK)
                // Over TCP: while the init script runs, the image's temporary server listens on the socket only.
                .healthcheck(List.of("CMD-SHELL", "pg_isready -h 127.0.0.1 -U \"$${DB_USER}\" -d \"$${DB_NAME}\""), "5s", "3s", 12, "20s")
                .shmSize("128mb")
                .stopGracePeriod("30s")
                .limits("1g", "1.0"));

        services.add(new Service(STATE_REDIS)
                .image("redis:7-alpine")
                .user("999:1000")
                .env("REDIS_PASSWORD", REDIS_PASSWORD.reference())
                .env("REDIS_MAXMEMORY", REDIS_MAXMEMORY.reference())
                // Through a shell so the password comes from the environment, not from the container's command line.
                .command("sh", "-c", stateRedisCommand("\"$REDIS_MAXMEMORY\"").replace("$", "$$"))
                .volume("redis-data:/data")
                .tmpfs("/tmp")
                .networks(BACKEND_NETWORK)
                .healthcheck(List.of("CMD-SHELL", "REDISCLI_AUTH=\"$$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"), "5s", "3s", 12, "10s")
                .limits("384m", "0.5"));

        services.add(new Service(CACHE_REDIS)
                .image("redis:7-alpine")
                .user("999:1000")
                .env("REDIS_PASSWORD", REDIS_PASSWORD.reference())
                .env("REDIS_CACHE_MAXMEMORY", REDIS_CACHE_MAXMEMORY.reference())
                .command("sh", "-c", cacheRedisCommand("\"$REDIS_CACHE_MAXMEMORY\"").replace("$", "$$"))
                .tmpfs("/data", "/tmp")
                .networks(BACKEND_NETWORK)
                .healthcheck(List.of("CMD-SHELL", "REDISCLI_AUTH=\"$$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"), "5s", "3s", 12, "10s")
                .limits("192m", "0.5"));

        String[] appNames = new String[APP_INSTANCES];
        for (int i = 1; i <= APP_INSTANCES; i++) {
            appNames[i - 1] = appInstanceName(i);
            services.add(new Service(appInstanceName(i))
                    .image("linkstack/app-service-native:" + VERSION.reference())
                    .build(REPOSITORY_ROOT_FROM_DEPLOY, "app-service/src/main/docker/Dockerfile.native-multistage")
                    .user("1001")
                    .env("DB_URL", "jdbc:postgresql://postgres:5432/" + DB_NAME.reference())
                    .env("DB_USER", DB_USER.reference())
                    .env("DB_PASSWORD", DB_PASSWORD.reference())
                    .env("DB_MIGRATION_USER", DB_OWNER_USER.reference())
                    .env("DB_MIGRATION_PASSWORD", DB_OWNER_PASSWORD.reference())
                    .env("REDIS_URL", "redis://" + STATE_REDIS + ":6379")
                    .env("REDIS_CACHE_URL", "redis://" + CACHE_REDIS + ":6379")
                    .env("REDIS_PASSWORD", REDIS_PASSWORD.reference())
                    .env("PUBLIC_BASE_URL", PUBLIC_BASE_URL.reference())
                    .env("REGISTRATION_ENABLED", REGISTRATION_ENABLED.reference())
                    .env("REGISTRATION_INVITE_ONLY", REGISTRATION_INVITE_ONLY.reference())
                    .env("LINKS_BLOCKED_DOMAINS", LINKS_BLOCKED_DOMAINS.reference())
                    .env("SESSION_COOKIE_SECURE", SESSION_COOKIE_SECURE.reference())
                    .tmpfs("/tmp")
                    .networks(BACKEND_NETWORK, FRONTEND_NETWORK)
                    .dependsOnHealthy("postgres", STATE_REDIS, CACHE_REDIS)
                    // The native executable probes its own readiness: the micro base image has no curl.
                    .healthcheck(List.of("CMD", "./application", "healthcheck"), "10s", "3s", 6, "20s")
                    .stopGracePeriod("20s")
                    .limits("256m", "1.0"));
        }

        services.add(new Service("nginx")
                .image("nginxinc/nginx-unprivileged:1.27-alpine")
                .user("101")
                .port(HTTP_PORT.reference() + ":" + NGINX_PORT)
                .volume("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro")
                .tmpfs("/tmp")
                .networks(FRONTEND_NETWORK)
                .dependsOnHealthy(appNames)
                .healthcheck(List.of("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:" + NGINX_PORT + "/healthz"), "10s", "3s", 3, "5s")
                .limits("128m", "0.5"));

        services.add(new Service("backup")
                .image("linkstack/backup-service-native:" + VERSION.reference())
                .build(REPOSITORY_ROOT_FROM_DEPLOY, "backup-service/src/main/docker/Dockerfile.native-multistage")
                .user("1001")
                .env("BACKUP_DB_HOST", "postgres")
                .env("BACKUP_DB_PORT", "5432")
                .env("BACKUP_DB_NAME", DB_NAME.reference())
                .env("BACKUP_DB_USER", BACKUP_DB_USER.reference())
                .env("BACKUP_DB_PASSWORD", BACKUP_DB_PASSWORD.reference())
                // Real restores replace the owner's objects: the backup role takes the owner's role for them (init-roles.sh).
                .env("BACKUP_RESTORE_ROLE", DB_OWNER_USER.reference())
                .env("BACKUP_API_TOKEN", BACKUP_API_TOKEN.reference())
                .env("BACKUP_CRON", BACKUP_CRON.reference())
                .env("BACKUP_RETENTION_DAYS", BACKUP_RETENTION_DAYS.reference())
                .env("BACKUP_KEEP_LAST", BACKUP_KEEP_LAST.reference())
                .env("BACKUP_COMPRESSION", BACKUP_COMPRESSION.reference())
                .env("BACKUP_VERIFY_CRON", BACKUP_VERIFY_CRON.reference())
                .env("BACKUP_ALERT_WEBHOOK_URL", BACKUP_ALERT_WEBHOOK_URL.reference())
                .env("BACKUP_ALERT_PING_URL", BACKUP_ALERT_PING_URL.reference())
                .env("BACKUP_ENCRYPTION_RECIPIENT", BACKUP_ENCRYPTION_RECIPIENT.reference())
                .env("BACKUP_SIGNING_KEY", BACKUP_SIGNING_KEY.reference())
                .env("BACKUP_DATABASES", BACKUP_DATABASES.reference())
                .env("BACKUP_GLOBALS", BACKUP_GLOBALS.reference())
                .env("BACKUP_OFFSITE_ENDPOINT", BACKUP_OFFSITE_ENDPOINT.reference())
                .env("BACKUP_OFFSITE_BUCKET", BACKUP_OFFSITE_BUCKET.reference())
                .env("BACKUP_OFFSITE_ACCESS_KEY", BACKUP_OFFSITE_ACCESS_KEY.reference())
                .env("BACKUP_OFFSITE_SECRET_KEY", BACKUP_OFFSITE_SECRET_KEY.reference())
                .env("BACKUP_DIR", BACKUP_CONTAINER_DIR)
                // Point-in-time recovery: the WAL archive on a folder of its own, streamed over the backend network as
                // the replication role (which pg_hba.conf admits from that network only).
                .env("BACKUP_WAL_ENABLED", BACKUP_WAL_ENABLED.reference())
                .env("BACKUP_WAL_DIR", WalArchiving.WAL_DIR)
                .env("BACKUP_WAL_USER", WalArchiving.REPLICATION_ROLE)
                .env("BACKUP_WAL_PASSWORD", BACKUP_REPLICATION_PASSWORD.reference())
                .env("BACKUP_BASE_CRON", BACKUP_BASE_CRON.reference())
                .volume(BACKUP_HOST_DIR.reference() + ":" + BACKUP_CONTAINER_DIR)
                .volume(BACKUP_WAL_HOST_DIR.reference() + ":" + WalArchiving.WAL_DIR)
                .tmpfs("/tmp")
                // PostgreSQL's network, plus a way out for alerts and off-site copies; no published port: its API is
                // reached with docker compose exec.
                .networks(BACKEND_NETWORK, EGRESS_NETWORK)
                .dependsOnHealthy("postgres")
                // The native executable probes its own readiness, as the app instances do.
                .healthcheck(List.of("CMD", "./application", "healthcheck"), "30s", "5s", 3, "30s")
                .stopGracePeriod("60s")
                .limits("512m", "1.0"));

        return new Deployment("linkstack", services,
                List.of(new Deployment.Network(BACKEND_NETWORK, true, "PostgreSQL, Redis, app instances, backups: no route outside"),
                        new Deployment.Network(FRONTEND_NETWORK, false, "Nginx and the app instances"),
                        new Deployment.Network(EGRESS_NETWORK, false, "backup-service's way out: alerts, pings, off-site copies")),
                List.of("postgres-data", "redis-data"));
    }

    public static String appInstanceName(int index) {
        return "app-" + index;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dev: the app alone on its embedded SQLite database; nothing else to run
    // ---------------------------------------------------------------------------------------------------------
    public static Deployment dev() {
        Service app = new Service("app")
                .image("linkstack/app-service-embedded:latest")
                .build(REPOSITORY_ROOT_FROM_DEPLOY, "app-service/src/main/docker/Dockerfile.embedded")
                .user("185")
                .env("QUARKUS_PROFILE", "embedded")
                .env("LINKSTACK_DEV_DB", "/data/linkstack.db")
                .env("PUBLIC_BASE_URL", DEV_PUBLIC_BASE_URL.reference())
                .env("REGISTRATION_ENABLED", DEV_REGISTRATION_ENABLED.reference())
                .port(DEV_APP_PORT.reference() + ":" + APP_PORT)
                .volume("app-data:/data")
                .tmpfs("/tmp")
                .healthcheck(List.of("CMD", "java", "-jar", "/deployments/quarkus-run.jar", "healthcheck"), "15s", "5s", 5, "30s")
                .limits("512m", "1.0");
        return new Deployment("linkstack-dev", List.of(app), List.of(), List.of("app-data"));
    }
}
