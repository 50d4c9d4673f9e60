package dev.linkstack.deploy;

import dev.linkstack.testing.FreePort;
import dev.linkstack.testing.NginxServer;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;
import dev.linkstack.testing.RedisServer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The production topology as processes on loopback: PostgreSQL (the installed one, so its pg_dump matches), Redis with
 * a password and AOF, {@link DeploymentModel#APP_INSTANCES} packaged app instances (jar, or native executable in a native build) in the prod profile, and Nginx
 * with the generated configuration in front of them. Each instance keeps its port across restarts, as a container
 * keeps its address.
 */
final class LoopbackTopology implements AutoCloseable {
    static final PackagedService APP = PackagedService.of(RepositoryFiles.path("app-service"));
    static final String DB = "linkstack";
    static final String DB_USER = "linkstack";

    final PostgresServer postgres;
    final RedisServer redis;
    final NginxServer nginx;
    private final String name;
    private final String dbPassword;
    private final Map<String, String> extraAppEnv;
    private final List<Integer> appPorts = new ArrayList<>();
    private final ServiceProcess[] apps = new ServiceProcess[DeploymentModel.APP_INSTANCES];

    /** Starts everything and waits until every instance is ready. */
    LoopbackTopology(String name, Map<String, String> extraAppEnv) {
        this.name = name;
        this.dbPassword = name + "-db-password";
        this.extraAppEnv = Map.copyOf(extraAppEnv);
        postgres = PostgresServer.installed().start();
        postgres.createDatabase(DB, DB_USER, dbPassword);
        redis = new RedisServer(name + "-redis-password").start();
        for (int i = 0; i < apps.length; i++) {
            appPorts.add(FreePort.find());
            startApp(i);
        }
        nginx = new NginxServer();
        nginx.start(NginxConfig.render(new NginxConfig.Site(nginx.port(), appPorts.stream().map(port -> "127.0.0.1:" + port).toList(),
                nginx.dir().toString(), nginx.dir().resolve("access.log").toString(), nginx.dir().resolve("error.log").toString()), ""));
    }

    ServiceProcess app(int index) {
        return apps[index];
    }

    List<ServiceProcess> apps() {
        return List.of(apps);
    }

    /** Starts an instance and waits until it is ready. */
    void startApp(int index) {
        launchApp(index);
        apps[index].awaitReady(Duration.ofSeconds(90));
    }

    /** Starts an instance without waiting for it. */
    void launchApp(int index) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", String.valueOf(appPorts.get(index)));
        env.put("DB_URL", postgres.jdbcUrl(DB));
        env.put("DB_USER", DB_USER);
        env.put("DB_PASSWORD", dbPassword);
        env.put("REDIS_URL", redis.uri());
        env.put("REDIS_PASSWORD", redis.password());
        env.put("SESSION_COOKIE_SECURE", "false");
        env.put("CLICK_FLUSH_INTERVAL", "1s");
        env.putAll(extraAppEnv);
        apps[index] = ServiceProcess.launch(APP, name + "-app-" + (index + 1), env);
    }

    /** SIGTERM to every running instance, then fresh processes on the same ports: what an update does. */
    void restartApps() throws InterruptedException {
        for (ServiceProcess app : apps) {
            if (app.process().isAlive()) {
                app.terminate(Duration.ofSeconds(30));
            }
        }
        for (int i = 0; i < apps.length; i++) {
            startApp(i);
        }
    }

    String edge(String path) {
        return nginx.baseUrl() + path;
    }

    /** Clicks stored in PostgreSQL, summed over all links and days. */
    long storedClicks() throws SQLException {
        try (Connection connection = connect(DB);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT coalesce(sum(clicks), 0) FROM link_daily_clicks")) {
            result.next();
            return result.getLong(1);
        }
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
    }

    @Override
    public void close() {
        for (ServiceProcess app : apps) {
            if (app != null) {
                app.close();
            }
        }
        nginx.close();
        redis.close();
        postgres.close();
    }
}
