package dev.linkstack.systemtests;

import dev.linkstack.deploy.DeploymentModel;
import dev.linkstack.deploy.NginxConfig;
import dev.linkstack.testing.DatabaseRoles;
import dev.linkstack.testing.FreePort;
import dev.linkstack.testing.NginxServer;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.RedisServer;
import dev.linkstack.testing.Repository;
import dev.linkstack.testing.ServiceEnvironment;
import dev.linkstack.testing.ServiceProcess;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The production topology as processes on loopback: PostgreSQL (the installed one, so its pg_dump matches), Redis with
 * a password and AOF, {@link DeploymentModel#APP_INSTANCES} packaged app instances (jar, or native executable in a
 * native build) in the prod profile, and Nginx with the generated configuration in front of them. Each instance keeps
 * its port across restarts, as a container keeps its address. The database and its roles come from the deployment's
 * own init script: the instances migrate as the owner and run as the app's role, as in production.
 */
final class LoopbackTopology implements AutoCloseable {
    static final PackagedService APP = PackagedService.of(Repository.module("app-service"));
    static final String DB = "linkstack";

    final PostgresServer postgres;
    /** The owner, app and backup roles of deploy/postgres/init-roles.sh. */
    final DatabaseRoles roles;
    final RedisServer redis;
    final NginxServer nginx;
    private final String name;
    private final List<Integer> appPorts = new ArrayList<>();
    private final ServiceProcess[] apps = new ServiceProcess[DeploymentModel.APP_INSTANCES];

    /** Starts everything and waits until every instance is ready. */
    LoopbackTopology(String name) {
        this.name = name;
        postgres = PostgresServer.installed().start();
        roles = DatabaseRoles.named(DB, "linkstack").createOn(postgres);
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
        Map<String, String> env = ServiceEnvironment.app(postgres, roles, redis)
                .with("PORT", String.valueOf(appPorts.get(index)))
                .with("SESSION_COOKIE_SECURE", "false")
                .with("CLICK_FLUSH_INTERVAL", "1s")
                .toMap();
        apps[index] = ServiceProcess.launch(APP, name + "-app-" + (index + 1), env);
    }

    /**
     * Brings the topology back to its starting state after a test stopped or killed parts of it: PostgreSQL and Redis
     * running, every instance running (a stopped one is started again on its port) and ready.
     */
    void restoreEverything() {
        if (!postgres.acceptsConnections()) {
            postgres.start();
        }
        redis.start(); // a no-op while it runs
        for (int i = 0; i < apps.length; i++) {
            if (apps[i] == null || !apps[i].process().isAlive()) {
                launchApp(i);
            }
        }
        for (ServiceProcess app : apps) {
            app.awaitReady(Duration.ofSeconds(90));
        }
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

    /** Clicks stored in PostgreSQL, summed over all links and days. */
    long storedClicks() throws SQLException {
        try (Connection connection = connect(DB);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT coalesce(sum(clicks), 0) FROM link_daily_clicks")) {
            result.next();
            return result.getLong(1);
        }
    }

    /**
     * Stored clicks once none is on its way: no running instance holds any in memory (counted, or pushed and not yet
     * taken), Redis holds no pending push or batch, and the database figure is the same on two reads in a row. Clicks
     * only move forward (memory, then Redis or the database; a batch leaves Redis after its transaction commits), so
     * in that order the checks miss none. A figure that merely stays put for a while is not enough: an instance whose
     * flush waits out a Redis timeout after a restart writes its clicks seconds later, into the next scenario.
     */
    long settledClicks() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long previous = -1;
        while (true) {
            String inFlight = clicksInFlight();
            long current = storedClicks();
            if (inFlight.isEmpty() && current == previous) {
                return current;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("clicks still on their way after 60 s: " + (inFlight.isEmpty() ? "the stored figure keeps changing" : inFlight));
            }
            previous = inFlight.isEmpty() ? current : -1;
            Thread.sleep(250);
        }
    }

    /** Where clicks are still on their way, or an empty string. */
    private String clicksInFlight() {
        List<String> where = new ArrayList<>();
        for (ServiceProcess app : apps) {
            if (app != null && app.process().isAlive()) {
                double pending = metric(app, "linkstack_clicks_pending");
                if (pending != 0) {
                    where.add(pending + " in the memory of " + app.baseUrl());
                }
            }
        }
        String keys = redis.cli("--scan", "--pattern", "clicks:*").strip();
        if (!keys.isEmpty()) {
            where.add("Redis keys " + keys.lines().toList());
        }
        return String.join(", ", where);
    }

    /** A gauge without tags from an instance's Prometheus endpoint; NaN while the instance does not answer. */
    private static double metric(ServiceProcess app, String name) {
        try {
            Http.Reply metrics = Http.get(app.baseUrl() + "/q/metrics");
            return metrics.body().lines().filter(line -> line.startsWith(name + " ")).findFirst()
                    .map(line -> Double.parseDouble(line.substring(name.length() + 1).strip())).orElse(Double.NaN);
        } catch (RuntimeException unreachable) {
            return Double.NaN;
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
