package dev.linkstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.deploy.NginxConfig;
import dev.linkstack.testing.NginxServer;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;
import dev.linkstack.testing.RedisServer;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmark driver behind {@code bench/run}: starts every server itself on free loopback ports, measures the
 * five benchmarks of the Performance section of the README, prints a table with ratios and targets, and writes
 * JSON to bench/results/. Exit code 1 when the machinery is broken (errors, clicks not exact, a failed backup or
 * restore); missed performance targets are reported, never fatal.
 */
public final class Bench {
    private static final String DB_PASSWORD = "bench-db-password";
    private static final String REDIS_PASSWORD = "bench-redis-password";
    private static final String API_TOKEN = "bench-api-token-0123456789";
    private static final String USER_PASSWORD = "bench-user-password";
    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

    /** How big each benchmark is: the full run, or a smoke run of a few seconds that only proves the machinery. */
    record Sizes(int links, int warmupSeconds, int seconds, int rounds, int connections, int exactRequests, int rssRedirects,
                 int bigScale, int smallScale, int backupRounds, int startups) {
        static final Sizes FULL = new Sizes(3000, 5, 10, 3, 64, 20_000, 10_000, 65, 3, 2, 3);
        static final Sizes SMOKE = new Sizes(40, 1, 2, 1, 64, 400, 1_000, 1, 1, 1, 1);
    }

    private final Sizes sizes;
    private final boolean smoke;
    private final Path root;
    private final Path work;
    private final Set<String> sections;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<Map<String, Object>> targets = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Bench(boolean smoke, Path root, Set<String> sections) throws IOException {
        this.smoke = smoke;
        Sizes chosen = smoke ? Sizes.SMOKE : Sizes.FULL;
        // Experiments only: another length of each redirect run, another number of links.
        String seconds = System.getenv().getOrDefault("BENCH_SECONDS", String.valueOf(chosen.seconds()));
        String links = System.getenv().getOrDefault("BENCH_LINKS", String.valueOf(chosen.links()));
        if (!seconds.isBlank() && !links.isBlank()) {
            chosen = new Sizes(Integer.parseInt(links), chosen.warmupSeconds(), Integer.parseInt(seconds), chosen.rounds(), chosen.connections(),
                    chosen.exactRequests(), chosen.rssRedirects(), chosen.bigScale(), chosen.smallScale(), chosen.backupRounds(), chosen.startups());
        }
        this.sizes = chosen;
        this.root = root;
        this.sections = sections;
        this.work = Processes.openTempDir("linkstack-bench-");
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Path root = Path.of(".").toAbsolutePath().normalize();
        Set<String> sections = Set.of("redirect", "backup", "startup");
        for (String arg : args) {
            if (arg.equals("--smoke")) {
                smoke = true;
            } else if (arg.startsWith("--root=")) {
                root = Path.of(arg.substring(7)).toAbsolutePath().normalize();
            } else if (arg.startsWith("--only=")) {
                sections = Set.of(arg.substring(7).split(","));
            } else {
                System.err.println("usage: bench/run [--smoke] [--only=redirect,backup,startup]");
                System.exit(64);
            }
        }
        Bench bench = new Bench(smoke, root, sections);
        int exit;
        try {
            exit = bench.run();
        } finally {
            Processes.deleteRecursively(bench.work);
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        Instant started = Instant.now();
        results.put("mode", smoke ? "smoke" : "full");
        results.put("started", started.toString());
        results.put("machine", machine());
        results.put("sizes", sizes);
        try (PostgresServer postgres = PostgresServer.installed().start()) {
            if (sections.contains("redirect") || sections.contains("startup")) {
                step("redirect path and app-service start-up");
                redirectAndAppStartup(postgres);
            }
            if (sections.contains("backup") || sections.contains("startup")) {
                step("backup, memory, restore and backup-service start-up");
                backupsAndRestore(postgres);
            }
        } catch (Exception e) {
            e.printStackTrace();
            problems.add("benchmark aborted: " + e);
        }
        results.put("native", nativeNote());
        results.put("targets", targets);
        results.put("problems", problems);
        results.put("seconds", Duration.between(started, Instant.now()).toSeconds());
        String table = table();
        System.out.println();
        System.out.println(table);
        writeResults(started, table);
        if (!problems.isEmpty()) {
            System.out.println("BROKEN: " + String.join("; ", problems));
            return 1;
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1 and 5 (app-service): redirect throughput and latency, clicks, start-up and footprint
    // ---------------------------------------------------------------------------------------------------------

    private void redirectAndAppStartup(PostgresServer postgres) throws Exception {
        postgres.createDatabase("linkstack", "linkstack", DB_PASSWORD);
        // Experiments only (before/after comparisons): another packaged app-service module.
        Path appModule = Path.of(System.getenv().getOrDefault("BENCH_APP_MODULE", root.resolve("app-service").toString()));
        PackagedService appJvm = PackagedService.jvm(appModule);
        PackagedService appNative = PackagedService.nativeBuilt(appModule) ? PackagedService.nativeExecutable(appModule) : null;
        PackagedService floorJar = PackagedService.jvm(root.resolve("bench"));
        try (RedisServer redis = new RedisServer(REDIS_PASSWORD).start()) {
            Map<String, String> env = new LinkedHashMap<>(Map.of("DB_URL", postgres.jdbcUrl("linkstack"), "DB_USER", "linkstack",
                    "DB_PASSWORD", DB_PASSWORD, "REDIS_URL", redis.uri(), "REDIS_PASSWORD", REDIS_PASSWORD));
            for (String pair : System.getenv().getOrDefault("BENCH_APP_ENV", "").split(",")) { // experiments only: extra app settings
                if (pair.contains("=")) {
                    env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
            }
            String profile = System.getenv("BENCH_PROFILE_APP");
            if (profile != null && !profile.isBlank()) {
                // Profiling only (figures then include the recorder): a JFR recording of app-service, dumped on exit.
                env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,dumponexit=true,filename=" + profile);
            }

            // First start: creates the schema (Flyway); reported apart. It also creates the benchmark's links.
            long firstStart = System.nanoTime();
            ServiceProcess app = Support.launch(appJvm, "bench-app", env);
            long firstReadyMs = TimeUnit.NANOSECONDS.toMillis(Support.awaitOk(app.process(), app.baseUrl() + "/q/health/ready", firstStart,
                    Duration.ofSeconds(120), app.log()));
            List<String> codes;
            try {
                codes = createLinks(app.baseUrl());
            } finally {
                app.close();
            }
            Path linksFile = work.resolve("links.txt");
            Files.write(linksFile, codes.stream().map(c -> c + " " + targetUrl(c)).toList());

            // Start-up: repeated starts against the migrated database; the last one stays up for the rest.
            Started jvm = startRepeatedly(appJvm, "bench-app", env, 0);
            app = jvm.process();
            ServiceProcess nativeApp = null;
            try {
                Map<String, Object> jvmFigures = appFootprint(jvm, codes, firstReadyMs);
                startup().put("app_service", jvmFigures);
                double jvmRss = (double) jvmFigures.get("rss_after_redirects_mb");
                target("start-up: app-service ready (JVM)", jvm.readyMedianMs(), "ms", "< 1500", jvm.readyMedianMs() < 1500);
                target("footprint: app-service RSS after " + sizes.rssRedirects() + " redirects (JVM)", jvmRss, "MB", "< 250", jvmRss < 250);
                if (appNative != null) {
                    Map<String, String> nativeEnv = new LinkedHashMap<>(env);
                    nativeEnv.remove("JAVA_TOOL_OPTIONS"); // the JFR recording of BENCH_PROFILE_APP is for the JVM
                    Started nat = startRepeatedly(appNative, "bench-app-native", nativeEnv, 0);
                    nativeApp = nat.process();
                    Map<String, Object> nativeFigures = appFootprint(nat, codes, null);
                    startup().put("app_service_native", nativeFigures);
                    double nativeRss = (double) nativeFigures.get("rss_after_redirects_mb");
                    target("start-up: app-service ready (native)", nat.readyMedianMs(), "ms", "<= 100", nat.readyMedianMs() <= 100);
                    target("footprint: app-service RSS after " + sizes.rssRedirects() + " redirects (native)", nativeRss, "MB", "<= 80",
                            nativeRss <= 80);
                }
                if (sections.contains("redirect")) {
                    redirectLoad(postgres, app, nativeApp, appJvm.jvmOptions(), floorJar, linksFile, codes);
                }
            } finally {
                app.close();
                if (nativeApp != null) {
                    nativeApp.close();
                }
            }
        }
    }

    /** A service started {@code sizes.startups()} times after {@code unmeasured} starts; the last one is left running. */
    record Started(ServiceProcess process, List<Long> readyMs, long firstMs, double rssReadyMb) {
        long readyMedianMs() {
            return median(readyMs);
        }
    }

    private Started startRepeatedly(PackagedService service, String name, Map<String, String> env, int unmeasured) {
        List<Long> readyMs = new ArrayList<>();
        long first = 0;
        ServiceProcess running = null;
        for (int i = 0; i < unmeasured + sizes.startups(); i++) {
            if (running != null) {
                running.close();
            }
            long start = System.nanoTime();
            running = Support.launch(service, name, env);
            long ms = TimeUnit.NANOSECONDS.toMillis(Support.awaitOk(running.process(), running.baseUrl() + "/q/health/ready", start,
                    Duration.ofSeconds(120), running.log()));
            if (i < unmeasured) {
                first = ms;
            } else {
                readyMs.add(ms);
            }
        }
        return new Started(running, readyMs, first, Support.procStatusKb(running.process().pid(), "VmRSS") / 1024.0);
    }

    /** Start-up figures of an app-service build and its RSS after the closed-loop redirects (which it serves now). */
    private Map<String, Object> appFootprint(Started started, List<String> codes, Long firstStartWithMigrationsMs) {
        Map<Integer, Long> warm = Support.requestCodes(started.process().baseUrl(), codes, sizes.rssRedirects(), 8);
        expectOnly302(warm, "the " + sizes.rssRedirects() + " redirects before the RSS reading");
        double rssAfterMb = Support.procStatusKb(started.process().process().pid(), "VmRSS") / 1024.0;
        Map<String, Object> figures = new LinkedHashMap<>();
        if (firstStartWithMigrationsMs != null) {
            figures.put("first_start_with_migrations_ms", firstStartWithMigrationsMs);
        }
        figures.put("ready_ms_runs", started.readyMs());
        figures.put("ready_ms", started.readyMedianMs());
        figures.put("rss_ready_mb", Support.round(started.rssReadyMb(), 1));
        figures.put("redirects_before_rss", sizes.rssRedirects());
        figures.put("rss_after_redirects_mb", Support.round(rssAfterMb, 1));
        return figures;
    }

    private void redirectLoad(PostgresServer postgres, ServiceProcess app, ServiceProcess nativeApp, Path appJvmOptions, PackagedService floorJar,
                              Path linksFile, List<String> codes) throws Exception {
        Map<String, String> floorEnv = Map.of("BENCH_LINKS_FILE", linksFile.toString());
        // The same JVM settings as app-service, so c/d compares the applications, not two JVM configurations.
        ServiceProcess floor = Support.launch(floorJar, "bench-floor", floorEnv, appJvmOptions);
        List<NginxServer> nginxes = new ArrayList<>();
        try {
            awaitRedirect(floor.baseUrl() + "/" + codes.get(0), floor);
            NginxServer fixed = nginx(nginxes, fixedRedirectConfig());
            NginxServer ceiling = nginx(nginxes, null);
            NginxServer proxyApp = nginx(nginxes, null);
            NginxServer proxyFloor = nginx(nginxes, null);
            NginxServer ceilingKeepalive = nginx(nginxes, null);
            NginxServer proxyAppKeepalive = nginx(nginxes, null);
            startProxy(ceiling, fixed.port(), false);
            startProxy(proxyApp, app.port(), false);
            startProxy(proxyFloor, floor.port(), false);
            startProxy(ceilingKeepalive, fixed.port(), true);
            startProxy(proxyAppKeepalive, app.port(), true);
            NginxServer proxyNative = null;
            if (nativeApp != null) {
                proxyNative = nginx(nginxes, null);
                startProxy(proxyNative, nativeApp.port(), false);
            }

            Wrk wrk = new Wrk(work, codes, 2, sizes.connections());
            int pause = Integer.parseInt(System.getenv().getOrDefault("BENCH_PAUSE_SECONDS", "0"));
            if (pause > 0) { // experiments only: probe the running setup by hand
                System.out.printf("PAUSE app=%d floor=%d nginx-app=%d nginx-floor=%d ceiling=%d lua=%s%n", app.port(), floor.port(),
                        proxyApp.port(), proxyFloor.port(), ceiling.port(), work.resolve("redirects.lua"));
                Processes.sleep(pause * 1000L);
            }
            Map<String, String> urls = new LinkedHashMap<>();
            urls.put("a_nginx_ceiling", ceiling.baseUrl());
            urls.put("e_nginx_bare_quarkus", proxyFloor.baseUrl());
            urls.put("b_nginx_app", proxyApp.baseUrl());
            urls.put("c_app_direct", app.baseUrl());
            urls.put("d_bare_quarkus", floor.baseUrl());
            // Not a target: the same two Nginx setups with the earlier, smaller upstream keepalive pool of 32 (see README).
            urls.put("f_nginx_ceiling_keepalive32", ceilingKeepalive.baseUrl());
            urls.put("g_nginx_app_keepalive32", proxyAppKeepalive.baseUrl());
            if (nativeApp != null) {
                // The native executable of the same app, against the same PostgreSQL and Redis, in the same rounds.
                urls.put("h_native_app_direct", nativeApp.baseUrl());
                urls.put("i_nginx_native_app", proxyNative.baseUrl());
            }
            Set<String> appRuns = urls.keySet().stream().filter(k -> k.startsWith("b_") || k.startsWith("c_") || k.startsWith("g_")
                    || k.startsWith("h_") || k.startsWith("i_")).collect(Collectors.toSet());

            Map<String, List<Wrk.Result>> runs = new LinkedHashMap<>();
            long wrkClientCount = 0; // responses wrk saw from the app, (b) and (c), warm-ups included
            for (int round = 1; round <= sizes.rounds(); round++) {
                for (Map.Entry<String, String> entry : urls.entrySet()) {
                    boolean toApp = appRuns.contains(entry.getKey());
                    if (round == 1) {
                        Wrk.Result warm = wrk.run(entry.getValue(), sizes.warmupSeconds());
                        checkErrors(entry.getKey() + " warm-up", warm);
                        if (toApp) {
                            wrkClientCount += warm.requests();
                        }
                    }
                    Wrk.Result result = wrk.run(entry.getValue(), sizes.seconds());
                    System.out.printf(Locale.ROOT, "  %-22s round %d: %,10.0f req/s  p50 %.2f ms  p99 %.2f ms  errors %d%n", entry.getKey(), round,
                            result.requestsPerSecond(), result.p50Millis(), result.p99Millis(), result.errors());
                    checkErrors(entry.getKey(), result);
                    if (toApp) {
                        wrkClientCount += result.requests();
                    }
                    runs.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(result);
                }
            }

            Map<String, Object> redirect = new LinkedHashMap<>();
            redirect.put("links", codes.size());
            redirect.put("connections", sizes.connections());
            redirect.put("wrk_threads", 2);
            redirect.put("seconds_per_run", sizes.seconds());
            redirect.put("rounds", sizes.rounds());
            Map<String, Object> best = new LinkedHashMap<>();
            Map<String, Wrk.Result> bestRuns = new LinkedHashMap<>();
            runs.forEach((name, list) -> {
                Wrk.Result top = list.stream().max((x, y) -> Double.compare(x.requestsPerSecond(), y.requestsPerSecond())).orElseThrow();
                bestRuns.put(name, top);
                Map<String, Object> entry = new LinkedHashMap<>(top.toJson());
                entry.put("req_per_s_all_rounds", list.stream().map(r -> Support.round(r.requestsPerSecond(), 1)).toList());
                best.put(name, entry);
            });
            redirect.put("runs", best);
            Wrk.Result a = bestRuns.get("a_nginx_ceiling");
            Wrk.Result b = bestRuns.get("b_nginx_app");
            Wrk.Result c = bestRuns.get("c_app_direct");
            Wrk.Result d = bestRuns.get("d_bare_quarkus");
            Wrk.Result e = bestRuns.get("e_nginx_bare_quarkus");
            double ba = b.requestsPerSecond() / a.requestsPerSecond();
            double cd = c.requestsPerSecond() / d.requestsPerSecond();
            double ea = e.requestsPerSecond() / a.requestsPerSecond();
            redirect.put("ratio_b_over_a", Support.round(ba, 3));
            redirect.put("ratio_c_over_d", Support.round(cd, 3));
            redirect.put("ratio_e_over_a", Support.round(ea, 3));
            redirect.put("ratio_b_over_e", Support.round(b.requestsPerSecond() / e.requestsPerSecond(), 3));
            redirect.put("ratio_g_over_f_keepalive32", Support.round(bestRuns.get("g_nginx_app_keepalive32").requestsPerSecond()
                    / bestRuns.get("f_nginx_ceiling_keepalive32").requestsPerSecond(), 3));
            redirect.put("ratio_g_over_b_keepalive32", Support.round(bestRuns.get("g_nginx_app_keepalive32").requestsPerSecond()
                    / b.requestsPerSecond(), 3));
            Double nativeOverJvm = nativeApp == null ? null : bestRuns.get("h_native_app_direct").requestsPerSecond() / c.requestsPerSecond();
            if (nativeApp != null) {
                redirect.put("ratio_native_over_jvm_direct_h_over_c", Support.round(nativeOverJvm, 3));
                redirect.put("ratio_native_over_jvm_behind_nginx_i_over_b", Support.round(bestRuns.get("i_nginx_native_app").requestsPerSecond()
                        / b.requestsPerSecond(), 3));
            }
            long errors = runs.values().stream().flatMap(List::stream).mapToLong(Wrk.Result::errors).sum();
            redirect.put("errors_all_runs", errors);

            // Clicks: once the load stops, the database must hold exactly the number of 302s the app answered.
            Map<String, Object> clicks = new LinkedHashMap<>();
            long served = redirectedMetric(app) + (nativeApp != null ? redirectedMetric(nativeApp) : 0);
            long viaNginx = countLines(proxyApp.dir().resolve("access.log"), "upstream_status=302");
            ClickTotals stored = awaitClicks(postgres, served, Duration.ofSeconds(40));
            clicks.put("app_302_responses", served);
            clicks.put("wrk_completed_responses_b_c", wrkClientCount);
            clicks.put("nginx_upstream_302_b", viaNginx);
            clicks.put("stored_click_count", stored.linkTotal());
            clicks.put("stored_daily_clicks", stored.dailyTotal());
            boolean exact = stored.linkTotal() == served && stored.dailyTotal() == served;
            // wrk stops mid-flight: up to one request per connection and run can be answered after it stopped counting.
            long wrkRuns = (long) (sizes.rounds() + 1) * appRuns.size();
            long closedLoop = (long) sizes.rssRedirects() * (nativeApp != null ? 2 : 1); // the RSS readings' redirects
            boolean plausible = served >= wrkClientCount + closedLoop && served <= wrkClientCount + closedLoop + wrkRuns * sizes.connections();
            clicks.put("server_count_consistent_with_wrk", plausible);

            // An exact, independent count: a closed-loop client that sees every response, via Nginx and directly.
            ClickTotals before = stored;
            Map<Integer, Long> viaProxy = Support.requestCodes(proxyApp.baseUrl(), codes, sizes.exactRequests() / 2, 16);
            Map<Integer, Long> direct = Support.requestCodes(app.baseUrl(), codes, sizes.exactRequests() - sizes.exactRequests() / 2, 16);
            expectOnly302(viaProxy, "closed-loop client via Nginx");
            expectOnly302(direct, "closed-loop client direct");
            long counted = viaProxy.getOrDefault(302, 0L) + direct.getOrDefault(302, 0L);
            ClickTotals after = awaitClicks(postgres, before.linkTotal() + counted, Duration.ofSeconds(40));
            // A few more flush rounds: nothing may be counted twice.
            Processes.sleep(smoke ? 2_000 : 6_000);
            after = clickTotals(postgres);
            long gained = after.linkTotal() - before.linkTotal();
            clicks.put("closed_loop_302_responses", counted);
            clicks.put("closed_loop_stored_clicks", gained);
            boolean closedExact = gained == counted && after.dailyTotal() == after.linkTotal();
            clicks.put("exact", exact && closedExact);
            redirect.put("clicks", clicks);
            results.put("redirect", redirect);

            if (!exact) {
                problems.add("clicks not exact after the wrk runs: app answered " + served + " redirects, database holds " + stored.linkTotal()
                        + " (daily " + stored.dailyTotal() + ")");
            }
            if (!closedExact) {
                problems.add("clicks not exact for the closed-loop client: " + counted + " 302s, database gained " + gained);
            }
            if (!plausible) {
                problems.add("app counted " + served + " redirects, wrk saw " + wrkClientCount + " (+" + closedLoop + " closed-loop)");
            }
            target("redirect: b/a (Nginx->app vs Nginx ceiling)", ba, "", ">= 0.85", ba >= 0.85);
            target("redirect: c/d (app vs bare Quarkus)", cd, "", ">= 0.85", cd >= 0.85);
            target("redirect: p99 of (b) at " + sizes.connections() + " connections", b.p99Millis(), "ms", "< 5", b.p99Millis() < 5);
            if (nativeOverJvm != null) {
                target("redirect: native/JVM throughput, direct (h/c)", nativeOverJvm, "", ">= 0.7", nativeOverJvm >= 0.7);
            }
            target("redirect: errors (all runs)", errors, "", "0", errors == 0);
            target("redirect: clicks stored = 302 responses", exact && closedExact ? 1 : 0, "", "exact", exact && closedExact);
        } finally {
            for (NginxServer nginx : nginxes) {
                nginx.close();
            }
            floor.close();
        }
    }

    /** Registers a user and creates the benchmark's links through the API, a few at a time. */
    private List<String> createLinks(String baseUrl) throws Exception {
        Map<String, String> credentials = Map.of("username", "bench", "password", USER_PASSWORD);
        Support.Reply registered = Support.send(Support.postJson(baseUrl + "/api/auth/register", credentials), Duration.ofSeconds(30));
        if (registered.status() != 201) {
            throw new IllegalStateException("register: " + registered.status() + " " + registered.body());
        }
        Support.Reply login = Support.send(Support.postJson(baseUrl + "/api/auth/login", credentials), Duration.ofSeconds(30));
        String cookie = login.raw().headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("linkstack_session="))
                .map(h -> h.substring(0, h.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("login: " + login.status() + " " + login.body()));
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < sizes.links(); i++) {
            codes.add(String.format(Locale.ROOT, "bench%05d", i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String code : codes) {
                futures.add(pool.submit(() -> {
                    Support.Reply created = Support.send(Support.postJson(baseUrl + "/api/links", Map.of("url", targetUrl(code), "code", code))
                            .header("Cookie", cookie), Duration.ofSeconds(30));
                    if (created.status() != 201) {
                        throw new IllegalStateException("create link " + code + ": " + created.status() + " " + created.body());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return codes;
    }

    private static String targetUrl(String code) {
        return "https://example.org/articles/" + code;
    }

    private NginxServer nginx(List<NginxServer> started, String config) {
        NginxServer nginx = new NginxServer();
        started.add(nginx);
        if (config != null) {
            nginx.start(config.replace("@PORT@", String.valueOf(nginx.port())).replace("@DIR@", nginx.dir().toString()));
        }
        return nginx;
    }

    /** Our production Nginx configuration (deployment module), rendered for loopback with one upstream. */
    private static void startProxy(NginxServer nginx, int upstreamPort, boolean smallerKeepalive) {
        String dir = nginx.dir().toString();
        String config = NginxConfig.render(new NginxConfig.Site(nginx.port(), List.of("127.0.0.1:" + upstreamPort), dir,
                dir + "/access.log", dir + "/error.log"), "# Rendered by bench/run from dev.linkstack.deploy.NginxConfig.\n");
        if (smallerKeepalive) {
            if (!config.contains("keepalive 256;")) {
                throw new IllegalStateException("the Nginx config no longer has 'keepalive 256;': update the keepalive variant of bench/run");
            }
            config = config.replace("keepalive 256;", "keepalive 32;");
        }
        nginx.start(config);
    }

    /** The ceiling's upstream: Nginx itself answering a fixed 302, the fastest upstream there can be. */
    private static String fixedRedirectConfig() {
        return """
                worker_processes auto;
                pid @DIR@/nginx.pid;
                error_log @DIR@/error.log warn;
                events {
                    worker_connections 1024;
                }
                http {
                    access_log off;
                    client_body_temp_path @DIR@/client_body;
                    proxy_temp_path @DIR@/proxy;
                    fastcgi_temp_path @DIR@/fastcgi;
                    uwsgi_temp_path @DIR@/uwsgi;
                    scgi_temp_path @DIR@/scgi;
                    server {
                        listen 127.0.0.1:@PORT@;
                        location / {
                            add_header Cache-Control "private, max-age=0";
                            return 302 https://example.org/articles/fixed;
                        }
                    }
                }
                """;
    }

    private static void awaitRedirect(String url, ServiceProcess process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.process().isAlive()) {
                throw new IllegalStateException("floor app exited:\n" + process.log());
            }
            try {
                if (Support.send(Support.get(url), Duration.ofSeconds(2)).status() == 302) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // starting
            }
            Processes.sleep(20);
        }
        throw new IllegalStateException("floor app does not redirect:\n" + process.log());
    }

    private void checkErrors(String name, Wrk.Result result) {
        if (result.errors() > 0) {
            problems.add(name + ": " + result.errors() + " errors (" + result.statusErrors() + " non-3xx, " + result.timeouts() + " timeouts)");
        }
        if (result.requests() == 0) {
            problems.add(name + ": no responses at all");
        }
    }

    private void expectOnly302(Map<Integer, Long> statuses, String what) {
        if (statuses.keySet().stream().anyMatch(s -> s != 302)) {
            problems.add(what + ": statuses other than 302: " + new TreeMap<>(statuses));
        }
    }

    private static long redirectedMetric(ServiceProcess app) {
        String metrics = Support.send(Support.get(app.baseUrl() + "/q/metrics"), Duration.ofSeconds(10)).body();
        return metrics.lines().filter(l -> l.startsWith("linkstack_redirects_total") && l.contains("outcome=\"redirected\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static long countLines(Path file, String needle) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> l.contains(needle)).count();
        }
    }

    record ClickTotals(long linkTotal, long dailyTotal) {
    }

    private static ClickTotals clickTotals(PostgresServer postgres) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("linkstack"), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT (SELECT coalesce(sum(click_count), 0) FROM links), "
                     + "(SELECT coalesce(sum(clicks), 0) FROM link_daily_clicks)")) {
            rows.next();
            return new ClickTotals(rows.getLong(1), rows.getLong(2));
        }
    }

    private static ClickTotals awaitClicks(PostgresServer postgres, long expected, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ClickTotals totals = clickTotals(postgres);
        while (totals.linkTotal() < expected && System.nanoTime() < deadline) {
            Processes.sleep(250);
            totals = clickTotals(postgres);
        }
        return totals;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2, 3, 4 and 5 (backup-service): backup overhead, backup memory, restore overhead, start-up
    // ---------------------------------------------------------------------------------------------------------

    private void backupsAndRestore(PostgresServer postgres) throws Exception {
        Path backupModule = root.resolve("backup-service");
        PackagedService backupJar = PackagedService.jvm(backupModule);
        PackagedService backupNative = PackagedService.nativeBuilt(backupModule) ? PackagedService.nativeExecutable(backupModule) : null;
        Map<String, String> pgEnv = Map.of("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD, "PGHOST", "127.0.0.1",
                "PGPORT", String.valueOf(postgres.port()), "PGUSER", PostgresServer.SUPERUSER);
        String bin = PG_BIN.toString();
        postgres.execute("postgres", "CREATE DATABASE pgbench_small", "CREATE DATABASE pgbench_big");
        step("pgbench databases (scale " + sizes.smallScale() + " and " + sizes.bigScale() + ")");
        Support.timedShell(bin + "/pgbench -i -q -I dtGvp -s " + sizes.smallScale() + " pgbench_small", pgEnv, Duration.ofMinutes(10));
        boolean backups = sections.contains("backup");
        if (backups) {
            long initMs = Support.timedShell(bin + "/pgbench -i -q -I dtGvp -s " + sizes.bigScale() + " pgbench_big", pgEnv, Duration.ofMinutes(30));
            System.out.printf(Locale.ROOT, "  pgbench_big initialised in %.1f s%n", initMs / 1000.0);
        }
        long smallBytes = databaseSize(postgres, "pgbench_small");
        long bigBytes = databaseSize(postgres, "pgbench_big");

        // backup-service start-up (JVM), against the small database.
        Path smallDir = Files.createDirectories(work.resolve("backups-small"));
        Map<String, String> smallEnv = backupEnv(postgres, "pgbench_small", smallDir);
        Started smallStarted = startRepeatedly(backupJar, "bench-backup-small", smallEnv, 1);
        ServiceProcess small = smallStarted.process();
        ServiceProcess smallNative = null;
        ServiceProcess bigNative = null;
        try {
            // Backup memory, small database: one warm-up backup, then the measured one.
            serviceBackup(small, "gzip", smallDir);
            Support.resetPeakRss(small.process().pid());
            long smallBackupMs = serviceBackup(small, "gzip", smallDir).millis();
            long smallPeakKb = Support.procStatusKb(small.process().pid(), "VmHWM");
            double rssAfterMb = Support.procStatusKb(small.process().pid(), "VmRSS") / 1024.0;
            startup().put("backup_service", backupFootprint(smallStarted, rssAfterMb));
            target("start-up: backup-service ready (JVM)", smallStarted.readyMedianMs(), "ms", "< 1500", smallStarted.readyMedianMs() < 1500);
            target("footprint: backup-service RSS after backups (JVM)", rssAfterMb, "MB", "< 250", rssAfterMb < 250);
            if (backupNative != null) {
                Path nativeDir = Files.createDirectories(work.resolve("backups-small-native"));
                Started started = startRepeatedly(backupNative, "bench-backup-small-native", backupEnv(postgres, "pgbench_small", nativeDir), 1);
                smallNative = started.process();
                serviceBackup(smallNative, "gzip", nativeDir);
                serviceBackup(smallNative, "gzip", nativeDir);
                double nativeRssMb = Support.procStatusKb(smallNative.process().pid(), "VmRSS") / 1024.0;
                startup().put("backup_service_native", backupFootprint(started, nativeRssMb));
                target("start-up: backup-service ready (native)", started.readyMedianMs(), "ms", "<= 100", started.readyMedianMs() <= 100);
                target("footprint: backup-service RSS after backups (native)", nativeRssMb, "MB", "<= 80", nativeRssMb <= 80);
                smallNative.close();
            }
            if (!backups) {
                return;
            }

            Path bigDir = Files.createDirectories(work.resolve("backups-big"));
            Path rawDir = Files.createDirectories(work.resolve("raw"));
            ServiceProcess big = Support.launch(backupJar, "bench-backup-big", backupEnv(postgres, "pgbench_big", bigDir));
            Path bigNativeDir = Files.createDirectories(work.resolve("backups-big-native"));
            try {
                Support.awaitOk(big.process(), big.baseUrl() + "/q/health/ready", System.nanoTime(), Duration.ofSeconds(120), big.log());
                if (backupNative != null) {
                    bigNative = Support.launch(backupNative, "bench-backup-big-native", backupEnv(postgres, "pgbench_big", bigNativeDir));
                    Support.awaitOk(bigNative.process(), bigNative.baseUrl() + "/q/health/ready", System.nanoTime(), Duration.ofSeconds(120),
                            bigNative.log());
                }
                String dumpFlags = "--format=plain --clean --if-exists --no-password";
                List<Long> dumpOnly = new ArrayList<>();
                List<Long> rawGzip = new ArrayList<>();
                List<Long> svcGzip = new ArrayList<>();
                List<Long> rawZstd = new ArrayList<>();
                List<Long> svcZstd = new ArrayList<>();
                List<Long> nativeGzip = new ArrayList<>();
                List<Long> nativeZstd = new ArrayList<>();
                ServiceBackup lastNativeGzip = null;
                long rawGzipBytes = 0;
                long rawZstdBytes = 0;
                ServiceBackup lastGzip = null;
                ServiceBackup lastZstd = null;
                long bigPeakKb = 0;
                step("backups of pgbench_big (" + mb(bigBytes) + " MB), " + sizes.backupRounds() + " round(s)");
                for (int round = 1; round <= sizes.backupRounds(); round++) {
                    Path gz = rawDir.resolve("raw.sql.gz");
                    Path zst = rawDir.resolve("raw.sql.zst");
                    Files.deleteIfExists(gz);
                    Files.deleteIfExists(zst);
                    // pg_dump alone: the floor under every compressed backup (zstd cannot be faster than this).
                    dumpOnly.add(Support.timedShell(bin + "/pg_dump " + dumpFlags + " pgbench_big > /dev/null", pgEnv, Duration.ofMinutes(30)));
                    rawGzip.add(Support.timedShell(bin + "/pg_dump " + dumpFlags + " pgbench_big | gzip > " + gz, pgEnv, Duration.ofMinutes(30)));
                    rawGzipBytes = Files.size(gz);
                    Support.resetPeakRss(big.process().pid());
                    lastGzip = serviceBackup(big, "gzip", bigDir);
                    bigPeakKb = Support.procStatusKb(big.process().pid(), "VmHWM");
                    svcGzip.add(lastGzip.millis());
                    rawZstd.add(Support.timedShell(bin + "/pg_dump " + dumpFlags + " pgbench_big | zstd -q > " + zst, pgEnv, Duration.ofMinutes(30)));
                    rawZstdBytes = Files.size(zst);
                    lastZstd = serviceBackup(big, "zstd", bigDir);
                    svcZstd.add(lastZstd.millis());
                    if (bigNative != null) {
                        lastNativeGzip = serviceBackup(bigNative, "gzip", bigNativeDir);
                        nativeGzip.add(lastNativeGzip.millis());
                        nativeZstd.add(serviceBackup(bigNative, "zstd", bigNativeDir).millis());
                        System.out.printf(Locale.ROOT, "  round %d, native: gzip %.1f s, zstd %.1f s%n", round, nativeGzip.get(round - 1) / 1000.0,
                                nativeZstd.get(round - 1) / 1000.0);
                    }
                    System.out.printf(Locale.ROOT, "  round %d: gzip raw %.1f s, service %.1f s; zstd raw %.1f s, service %.1f s%n", round,
                            rawGzip.get(round - 1) / 1000.0, svcGzip.get(round - 1) / 1000.0, rawZstd.get(round - 1) / 1000.0, svcZstd.get(round - 1) / 1000.0);
                }
                long rg = min(rawGzip);
                long sg = min(svcGzip);
                long rz = min(rawZstd);
                long sz = min(svcZstd);
                Map<String, Object> backup = new LinkedHashMap<>();
                backup.put("database_mb", mb(bigBytes));
                backup.put("pgbench_scale", sizes.bigScale());
                backup.put("pg_dump_flags", dumpFlags);
                backup.put("pg_dump_to_dev_null_ms_runs", dumpOnly);
                backup.put("pg_dump_to_dev_null_ms", min(dumpOnly));
                backup.put("raw_gzip_ms_runs", rawGzip);
                backup.put("service_gzip_ms_runs", svcGzip);
                backup.put("raw_zstd_ms_runs", rawZstd);
                backup.put("service_zstd_ms_runs", svcZstd);
                backup.put("raw_gzip_ms", rg);
                backup.put("service_gzip_ms", sg);
                backup.put("raw_zstd_ms", rz);
                backup.put("service_zstd_ms", sz);
                backup.put("ratio_gzip_service_over_raw", Support.round((double) sg / rg, 3));
                backup.put("ratio_zstd_service_over_raw", Support.round((double) sz / rz, 3));
                backup.put("service_gzip_over_zstd", Support.round((double) sg / sz, 2));
                backup.put("raw_gzip_mb", mb(rawGzipBytes));
                backup.put("service_gzip_mb", mb(lastGzip.bytes()));
                backup.put("raw_zstd_mb", mb(rawZstdBytes));
                backup.put("service_zstd_mb", mb(lastZstd.bytes()));
                if (bigNative != null) {
                    backup.put("native_gzip_ms_runs", nativeGzip);
                    backup.put("native_zstd_ms_runs", nativeZstd);
                    backup.put("ratio_gzip_native_over_raw", Support.round((double) min(nativeGzip) / rg, 3));
                    backup.put("ratio_zstd_native_over_raw", Support.round((double) min(nativeZstd) / rz, 3));
                    target("backup: gzip native service/raw", (double) min(nativeGzip) / rg, "", "<= 1.05", (double) min(nativeGzip) / rg <= 1.05);
                    target("backup: zstd native service/raw", (double) min(nativeZstd) / rz, "", "<= 1.05", (double) min(nativeZstd) / rz <= 1.05);
                }
                results.put("backup", backup);
                target("backup: gzip service/raw", (double) sg / rg, "", "<= 1.05", (double) sg / rg <= 1.05);
                target("backup: zstd service/raw", (double) sz / rz, "", "<= 1.05", (double) sz / rz <= 1.05);
                target("backup: zstd speed-up over gzip (service)", (double) sg / sz, "x", ">= 2", (double) sg / sz >= 2);

                Map<String, Object> memory = new LinkedHashMap<>();
                memory.put("small_database_mb", mb(smallBytes));
                memory.put("big_database_mb", mb(bigBytes));
                memory.put("peak_rss_small_backup_mb", Support.round(smallPeakKb / 1024.0, 1));
                memory.put("small_backup_ms", smallBackupMs);
                memory.put("peak_rss_big_backup_mb", Support.round(bigPeakKb / 1024.0, 1));
                double diffMb = (bigPeakKb - smallPeakKb) / 1024.0;
                memory.put("difference_mb", Support.round(diffMb, 1));
                results.put("memory", memory);
                target("backup memory: peak RSS big - small", diffMb, "MB", "< 20", diffMb < 20);

                restore(postgres, big, lastGzip, bigNative, lastNativeGzip, pgEnv);
            } finally {
                big.close();
            }
        } finally {
            small.close();
            if (smallNative != null) {
                smallNative.close();
            }
            if (bigNative != null) {
                bigNative.close();
            }
        }
    }

    private static Map<String, Object> backupFootprint(Started started, double rssAfterMb) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("first_start_ms", started.firstMs());
        figures.put("ready_ms_runs", started.readyMs());
        figures.put("ready_ms", started.readyMedianMs());
        figures.put("rss_ready_mb", Support.round(started.rssReadyMb(), 1));
        figures.put("rss_after_two_small_backups_mb", Support.round(rssAfterMb, 1));
        return figures;
    }

    private void restore(PostgresServer postgres, ServiceProcess big, ServiceBackup backup, ServiceProcess bigNative, ServiceBackup nativeBackup,
                         Map<String, String> pgEnv) throws Exception {
        step("restore of " + backup.id() + " (" + mb(backup.bytes()) + " MB gzip)");
        Path file = Path.of(backup.file());
        String bin = PG_BIN.toString();
        long rawMs = Support.timedShell(bin + "/createdb restore_raw && gunzip -c " + file + " | " + bin
                + "/psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d restore_raw > /dev/null", pgEnv, Duration.ofMinutes(60));
        long start = System.nanoTime();
        Support.Reply reply = restoreThrough(big, backup, "restore_svc");
        long svcMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Long nativeMs = null;
        if (bigNative != null) {
            long nativeStart = System.nanoTime();
            Support.Reply nativeReply = restoreThrough(bigNative, nativeBackup, "restore_native");
            nativeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nativeStart);
            if (!nativeReply.json().get("tables").equals(reply.json().get("tables"))) {
                problems.add("native restore reports other row counts: " + nativeReply.body() + " vs " + reply.body());
            }
            postgres.execute("postgres", "DROP DATABASE restore_native");
        }
        Map<String, Long> source = rowCounts(postgres, "pgbench_big");
        long countStart = System.nanoTime(); // the first scan after a bulk load: what the service adds to report row counts
        Map<String, Long> raw = rowCounts(postgres, "restore_raw");
        long rawCountMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - countStart);
        Map<String, Long> svc = new TreeMap<>();
        for (JsonNode table : reply.json().get("tables")) {
            svc.put(table.get("table").asText(), table.get("rows").asLong());
        }
        if (!source.equals(raw) || !source.equals(svc)) {
            problems.add("restored row counts differ: source " + source + ", raw " + raw + ", service " + svc);
        }
        postgres.execute("postgres", "DROP DATABASE restore_raw", "DROP DATABASE restore_svc");
        Map<String, Object> restore = new LinkedHashMap<>();
        restore.put("file_mb", mb(backup.bytes()));
        restore.put("raw_gunzip_psql_ms", rawMs);
        restore.put("service_ms", svcMs);
        restore.put("ratio_service_over_raw", Support.round((double) svcMs / rawMs, 3));
        restore.put("row_count_after_raw_restore_ms", rawCountMs);
        restore.put("ratio_service_over_raw_plus_row_count", Support.round((double) svcMs / (rawMs + rawCountMs), 3));
        restore.put("rows", source);
        if (nativeMs != null) {
            restore.put("native_service_ms", nativeMs);
            restore.put("ratio_native_over_raw", Support.round((double) nativeMs / rawMs, 3));
            target("restore: native service/raw", (double) nativeMs / rawMs, "", "<= 1.05", (double) nativeMs / rawMs <= 1.05);
        }
        results.put("restore", restore);
        target("restore: service/raw", (double) svcMs / rawMs, "", "<= 1.05", (double) svcMs / rawMs <= 1.05);
    }

    record ServiceBackup(String id, long millis, long bytes, String file) {
    }

    private static Support.Reply restoreThrough(ServiceProcess service, ServiceBackup backup, String database) {
        Support.Reply reply = Support.send(Support.postJson(service.baseUrl() + "/api/backups/" + backup.id() + "/restore",
                Map.of("database", database, "confirm", database)).header("Authorization", "Bearer " + API_TOKEN), Duration.ofMinutes(60));
        if (reply.status() != 200) {
            throw new IllegalStateException("restore through " + service.baseUrl() + ": " + reply.status() + " " + reply.body());
        }
        return reply;
    }

    /** Triggers a backup through the API and waits (polling every 20 ms) until its job is done. */
    private ServiceBackup serviceBackup(ServiceProcess service, String format, Path dir) {
        String api = service.baseUrl() + "/api/backups";
        long start = System.nanoTime();
        Support.Reply accepted = Support.send(Support.postJson(api, Map.of("format", format)).header("Authorization", "Bearer " + API_TOKEN),
                Duration.ofSeconds(30));
        if (accepted.status() != 202) {
            throw new IllegalStateException("trigger backup: " + accepted.status() + " " + accepted.body());
        }
        String jobId = accepted.json().get("id").asText();
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode job = Support.send(Support.get(api + "/jobs/" + jobId).header("Authorization", "Bearer " + API_TOKEN), Duration.ofSeconds(10)).json();
            String state = job.get("state").asText();
            if (!state.equals("RUNNING")) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (!state.equals("SUCCEEDED")) {
                    throw new IllegalStateException("backup job " + state + ": " + job);
                }
                String id = job.get("backupId").asText();
                JsonNode metadata = Support.send(Support.get(api + "/" + id).header("Authorization", "Bearer " + API_TOKEN), Duration.ofSeconds(10)).json();
                return new ServiceBackup(id, millis, metadata.get("sizeBytes").asLong(), dir.resolve(metadata.get("file").asText()).toString());
            }
            Processes.sleep(20);
        }
        throw new IllegalStateException("backup job " + jobId + " still running after 30 minutes");
    }

    private Map<String, String> backupEnv(PostgresServer postgres, String database, Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BACKUP_DB_HOST", "127.0.0.1");
        env.put("BACKUP_DB_PORT", String.valueOf(postgres.port()));
        env.put("BACKUP_DB_NAME", database);
        env.put("BACKUP_DB_USER", PostgresServer.SUPERUSER);
        env.put("BACKUP_DB_PASSWORD", PostgresServer.SUPERUSER_PASSWORD);
        env.put("BACKUP_API_TOKEN", API_TOKEN);
        env.put("BACKUP_DIR", dir.toString());
        env.put("BACKUP_PG_BIN_DIR", PG_BIN.toString());
        env.put("BACKUP_CRON", "off");
        env.put("BACKUP_COMPRESSION", "gzip");
        return env;
    }

    private static long databaseSize(PostgresServer postgres, String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_database_size('" + database + "')")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Map<String, Long> rowCounts(PostgresServer postgres, String database) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(database), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement()) {
            for (String table : List.of("pgbench_accounts", "pgbench_branches", "pgbench_history", "pgbench_tellers")) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    // ---------------------------------------------------------------------------------------------------------
    // reporting
    // ---------------------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private Map<String, Object> startup() {
        return (Map<String, Object>) results.computeIfAbsent("startup", k -> new LinkedHashMap<String, Object>());
    }

    private void target(String name, double value, String unit, String goal, boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("value", Support.round(value, 3));
        t.put("unit", unit);
        t.put("target", goal);
        t.put("met", met);
        targets.add(t);
    }

    @SuppressWarnings("unchecked")
    private String table() {
        StringBuilder out = new StringBuilder();
        out.append("Linkstack benchmarks (").append(smoke ? "SMOKE: tiny sizes, figures meaningless" : "full run").append(")\n\n");
        Object redirect = results.get("redirect");
        if (redirect instanceof Map<?, ?> r) {
            out.append(String.format(Locale.ROOT, "1. Redirects: %s links, %s connections, best of %s x %s s%n", r.get("links"), r.get("connections"),
                    r.get("rounds"), r.get("seconds_per_run")));
            out.append(String.format(Locale.ROOT, "   %-28s %12s %9s %9s %7s%n", "target", "req/s", "p50 ms", "p99 ms", "errors"));
            ((Map<String, Map<String, Object>>) r.get("runs")).forEach((name, run) -> out.append(String.format(Locale.ROOT,
                    "   %-28s %12.0f %9.2f %9.2f %7s%n", name, ((Number) run.get("req_per_s")).doubleValue(), ((Number) run.get("p50_ms")).doubleValue(),
                    ((Number) run.get("p99_ms")).doubleValue(), run.get("errors"))));
            out.append(String.format(Locale.ROOT, "   b/a = %s   c/d = %s   (e/a = %s: bare Quarkus behind the same Nginx)%n", r.get("ratio_b_over_a"),
                    r.get("ratio_c_over_d"), r.get("ratio_e_over_a")));
            if (r.get("ratio_native_over_jvm_direct_h_over_c") != null) {
                out.append(String.format(Locale.ROOT, "   native executable vs JVM: direct h/c = %s, behind Nginx i/b = %s%n",
                        r.get("ratio_native_over_jvm_direct_h_over_c"), r.get("ratio_native_over_jvm_behind_nginx_i_over_b")));
            }
            out.append(String.format(Locale.ROOT, "   upstream keepalive 32 (the earlier setting) instead of 256: g/f = %s, g/b = %s (not a target)%n",
                    r.get("ratio_g_over_f_keepalive32"), r.get("ratio_g_over_b_keepalive32")));
            Map<String, Object> clicks = (Map<String, Object>) r.get("clicks");
            out.append(String.format(Locale.ROOT, "   clicks: app answered %s redirects, database holds %s; closed-loop client %s 302s -> %s stored; exact: %s%n%n",
                    clicks.get("app_302_responses"), clicks.get("stored_click_count"), clicks.get("closed_loop_302_responses"),
                    clicks.get("closed_loop_stored_clicks"), clicks.get("exact")));
        }
        if (results.get("backup") instanceof Map<?, ?> b) {
            out.append(String.format(Locale.ROOT, "2. Backup of a %s MB pgbench database (best of %d)%n", b.get("database_mb"), sizes.backupRounds()));
            out.append(String.format(Locale.ROOT, "   pg_dump alone (> /dev/null): %.1f s%n", ((Number) b.get("pg_dump_to_dev_null_ms")).doubleValue() / 1000));
            out.append(String.format(Locale.ROOT, "   gzip: raw pg_dump|gzip %.1f s (%s MB), service %.1f s (%s MB), ratio %s%n",
                    ((Number) b.get("raw_gzip_ms")).doubleValue() / 1000, b.get("raw_gzip_mb"), ((Number) b.get("service_gzip_ms")).doubleValue() / 1000,
                    b.get("service_gzip_mb"), b.get("ratio_gzip_service_over_raw")));
            out.append(String.format(Locale.ROOT, "   zstd: raw pg_dump|zstd %.1f s (%s MB), service %.1f s (%s MB), ratio %s; service gzip/zstd time %sx%n",
                    ((Number) b.get("raw_zstd_ms")).doubleValue() / 1000, b.get("raw_zstd_mb"), ((Number) b.get("service_zstd_ms")).doubleValue() / 1000,
                    b.get("service_zstd_mb"), b.get("ratio_zstd_service_over_raw"), b.get("service_gzip_over_zstd")));
            if (b.get("ratio_gzip_native_over_raw") != null) {
                out.append(String.format(Locale.ROOT, "   native service: gzip %s ms (runs), ratio %s; zstd %s ms (runs), ratio %s%n",
                        b.get("native_gzip_ms_runs"), b.get("ratio_gzip_native_over_raw"), b.get("native_zstd_ms_runs"), b.get("ratio_zstd_native_over_raw")));
            }
            out.append('\n');
        }
        if (results.get("memory") instanceof Map<?, ?> m) {
            out.append(String.format(Locale.ROOT, "3. Backup memory: peak RSS %s MB (%s MB db) vs %s MB (%s MB db): difference %s MB%n%n",
                    m.get("peak_rss_big_backup_mb"), m.get("big_database_mb"), m.get("peak_rss_small_backup_mb"), m.get("small_database_mb"), m.get("difference_mb")));
        }
        if (results.get("restore") instanceof Map<?, ?> rs) {
            out.append(String.format(Locale.ROOT, "4. Restore of %s MB gzip: raw gunzip|psql %.1f s, service %.1f s, ratio %s%n", rs.get("file_mb"),
                    ((Number) rs.get("raw_gunzip_psql_ms")).doubleValue() / 1000, ((Number) rs.get("service_ms")).doubleValue() / 1000,
                    rs.get("ratio_service_over_raw")));
            out.append(String.format(Locale.ROOT, "   the service also counts every table's rows: the same counts after the raw restore took %.1f s"
                    + " (service / (raw + count) = %s)%n", ((Number) rs.get("row_count_after_raw_restore_ms")).doubleValue() / 1000,
                    rs.get("ratio_service_over_raw_plus_row_count")));
            if (rs.get("native_service_ms") != null) {
                out.append(String.format(Locale.ROOT, "   native service: %.1f s, ratio %s%n", ((Number) rs.get("native_service_ms")).doubleValue() / 1000,
                        rs.get("ratio_native_over_raw")));
            }
            out.append('\n');
        }
        if (results.get("startup") instanceof Map<?, ?> s) {
            out.append("5. Start-up to /q/health/ready UP and footprint (JVM with each service's src/main/jvm/jvm.options; native executable)\n");
            if (s.get("app_service") instanceof Map<?, ?> a) {
                out.append(String.format(Locale.ROOT, "   app-service:    ready %s ms (runs %s; first start with migrations %s ms), RSS %s MB after %s redirects%n",
                        a.get("ready_ms"), a.get("ready_ms_runs"), a.get("first_start_with_migrations_ms"), a.get("rss_after_redirects_mb"), a.get("redirects_before_rss")));
            }
            if (s.get("backup_service") instanceof Map<?, ?> a) {
                out.append(String.format(Locale.ROOT, "   backup-service: ready %s ms (runs %s), RSS %s MB after two small backups%n",
                        a.get("ready_ms"), a.get("ready_ms_runs"), a.get("rss_after_two_small_backups_mb")));
            }
            if (s.get("app_service_native") instanceof Map<?, ?> a) {
                out.append(String.format(Locale.ROOT, "   app-service native:    ready %s ms (runs %s), RSS %s MB after %s redirects%n",
                        a.get("ready_ms"), a.get("ready_ms_runs"), a.get("rss_after_redirects_mb"), a.get("redirects_before_rss")));
            }
            if (s.get("backup_service_native") instanceof Map<?, ?> a) {
                out.append(String.format(Locale.ROOT, "   backup-service native: ready %s ms (runs %s), RSS %s MB after two small backups%n",
                        a.get("ready_ms"), a.get("ready_ms_runs"), a.get("rss_after_two_small_backups_mb")));
            }
            out.append("   native: ").append(results.get("native")).append("\n\n");
        }
        out.append("Targets").append(smoke ? " (smoke run: not judged)" : "").append("\n");
        for (Map<String, Object> t : targets) {
            out.append(String.format(Locale.ROOT, "   %-52s %10s %-3s %-8s %s%n", t.get("name"), t.get("value"), t.get("unit"), t.get("target"),
                    smoke ? "-" : (Boolean) t.get("met") ? "met" : "MISSED"));
        }
        return out.toString();
    }

    private void writeResults(Instant started, String table) throws IOException {
        Path dir = Files.createDirectories(root.resolve("bench/results"));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
        String mode = smoke ? "smoke" : "full";
        String json = Support.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results);
        Files.writeString(dir.resolve(stamp + "-" + mode + ".json"), json);
        Files.writeString(dir.resolve("latest-" + mode + ".json"), json);
        if (!smoke && problems.isEmpty() && sections.containsAll(List.of("redirect", "backup", "startup"))) {
            Files.writeString(dir.resolve("summary.txt"), table + "\nmachine: " + results.get("machine") + "\n");
        }
        System.out.println("results: " + dir.resolve(stamp + "-" + mode + ".json"));
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            machine.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?"));
            machine.put("memory_gb", Support.round(Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0) / 1024.0 / 1024.0, 1));
            machine.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) {
            machine.put("cpu", "?");
        }
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return machine;
    }

    private String nativeNote() {
        List<String> measured = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String module : List.of("app-service", "backup-service")) {
            (PackagedService.nativeBuilt(root.resolve(module)) ? measured : missing).add(module);
        }
        return (measured.isEmpty() ? "" : "measured the native executables of " + String.join(", ", measured) + " side by side with the JVM")
                + (measured.isEmpty() || missing.isEmpty() ? "" : "; ")
                + (missing.isEmpty() ? "" : "no native executable of " + String.join(", ", missing) + " (build with -Dnative, see README)");
    }

    private static void step(String what) {
        System.out.println("== " + what);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().collect(Collectors.toList());
        return sorted.get(sorted.size() / 2);
    }

    private static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    private static double mb(long bytes) {
        return Support.round(bytes / 1024.0 / 1024.0, 1);
    }
}
