package dev.linkstack.app.testing;

import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.RedisServer;
import dev.linkstack.testing.ServiceEnvironment;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a real PostgreSQL 16 and a real Redis on free loopback ports and points the app at them. Declared on
 * the test classes as a global resource, so they all share one app and one pair of servers; the servers stop
 * when the JVM exits. Tests of the dev profile (embedded SQLite, no servers) get nothing from it.
 */
public class RealServers implements QuarkusTestResourceLifecycleManager {
    public static final String DB_NAME = "linkstack";
    public static final String DB_USER = "linkstack";
    public static final String DB_PASSWORD = "test-db-password";
    public static final String REDIS_PASSWORD = "test-redis-password";

    private static PostgresServer postgres;
    private static RedisServer redis;

    public static synchronized void ensureStarted() {
        if (postgres != null) {
            return;
        }
        postgres = PostgresServer.bundled().start();
        postgres.createDatabase(DB_NAME, DB_USER, DB_PASSWORD);
        redis = new RedisServer(REDIS_PASSWORD).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            redis.close();
            postgres.close();
        }));
    }

    public static PostgresServer postgres() {
        ensureStarted();
        return postgres;
    }

    public static RedisServer redis() {
        ensureStarted();
        return redis;
    }

    /** Environment for a packaged app instance (prod profile) using these servers. */
    public static Map<String, String> productionEnvironment() {
        ensureStarted();
        return Map.copyOf(ServiceEnvironment.app(postgres, DB_NAME, DB_USER, DB_PASSWORD, redis).toMap());
    }

    /** The database of test profiles named "...FreshDatabase": created empty, for what only a new server shows. */
    public static final String FRESH_DB_NAME = "linkstack_fresh";

    private boolean devProfile;
    private boolean freshDatabase;
    private boolean ownRedis;

    @Override
    public void setContext(Context context) {
        devProfile = context.testProfile() != null && context.testProfile().contains("DevProfile");
        freshDatabase = context.testProfile() != null && context.testProfile().contains("FreshDatabase");
        ownRedis = context.testProfile() != null && context.testProfile().contains("OwnRedis");
    }

    /** The same settings as {@link #productionEnvironment()}, by the property names they stand for. */
    @Override
    public Map<String, String> start() {
        if (devProfile) {
            return Map.of();
        }
        Map<String, String> env = productionEnvironment();
        String jdbcUrl = env.get("DB_URL");
        if (freshDatabase) {
            postgres.execute("postgres", "DROP DATABASE IF EXISTS " + FRESH_DB_NAME + " WITH (FORCE)", "CREATE DATABASE " + FRESH_DB_NAME + " OWNER " + DB_USER);
            jdbcUrl = postgres.jdbcUrl(FRESH_DB_NAME);
        }
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", env.get("DB_USER"),
                "quarkus.datasource.password", env.get("DB_PASSWORD")));
        if (!ownRedis) { // profiles named "...OwnRedis" bring their own Redis servers in their config overrides
            settings.put("quarkus.redis.hosts", env.get("REDIS_URL"));
            settings.put("quarkus.redis.password", env.get("REDIS_PASSWORD"));
        }
        return settings;
    }

    @Override
    public void stop() {
        // Servers outlive one Quarkus application: the shutdown hook stops them.
    }
}
