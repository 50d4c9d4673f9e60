package dev.linkstack.bench;

import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.RedisServer;
import dev.linkstack.testing.ServiceEnvironment;
import dev.linkstack.testing.ServiceProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Benchmarks 5 (app-service part) and, when asked for, 1: the app's start-up and footprint, JVM and native, then the
 * redirect load ({@link RedirectBenchmark}) against the instances left running.
 */
final class AppServiceBenchmark {
    static final String DATABASE = "linkstack";
    private static final String DB_USER = "linkstack";
    private static final String DB_PASSWORD = "bench-db-password";
    private static final String REDIS_PASSWORD = "bench-redis-password";
    private static final String USER_PASSWORD = "bench-user-password";

    private final BenchRun run;
    private final Sizes sizes;

    AppServiceBenchmark(BenchRun run) {
        this.run = run;
        this.sizes = run.sizes;
    }

    void measure(PostgresServer postgres) throws Exception {
        postgres.createDatabase(DATABASE, DB_USER, DB_PASSWORD);
        // Experiments only (before/after comparisons): another packaged app-service module.
        Path appModule = Path.of(System.getenv().getOrDefault("BENCH_APP_MODULE", run.root.resolve("app-service").toString()));
        PackagedService appJvm = PackagedService.jvm(appModule);
        PackagedService appNative = PackagedService.nativeBuilt(appModule) ? PackagedService.nativeExecutable(appModule) : null;
        try (RedisServer redis = new RedisServer(REDIS_PASSWORD).start()) {
            Map<String, String> env = environment(postgres, redis);

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
            Path linksFile = run.work.resolve("links.txt");
            Files.write(linksFile, codes.stream().map(c -> c + " " + targetUrl(c)).toList());

            // Start-up: repeated starts against the migrated database; the last one stays up for the rest.
            Startups.Started jvm = Startups.startRepeatedly(sizes, appJvm, "bench-app", env, 0);
            app = jvm.process();
            ServiceProcess nativeApp = null;
            try {
                Map<String, Object> jvmFigures = footprint(jvm, codes, firstReadyMs);
                run.startup().put("app_service", jvmFigures);
                double jvmRss = (double) jvmFigures.get("rss_after_redirects_mb");
                run.target("start-up: app-service ready (JVM)", jvm.readyMedianMs(), "ms", "< 1500", jvm.readyMedianMs() < 1500);
                run.target("footprint: app-service RSS after " + sizes.rssRedirects() + " redirects (JVM)", jvmRss, "MB", "< 250", jvmRss < 250);
                if (appNative != null) {
                    Map<String, String> nativeEnv = new LinkedHashMap<>(env);
                    nativeEnv.remove("JAVA_TOOL_OPTIONS"); // the JFR recording of BENCH_PROFILE_APP is for the JVM
                    Startups.Started nat = Startups.startRepeatedly(sizes, appNative, "bench-app-native", nativeEnv, 0);
                    nativeApp = nat.process();
                    Map<String, Object> nativeFigures = footprint(nat, codes, null);
                    run.startup().put("app_service_native", nativeFigures);
                    double nativeRss = (double) nativeFigures.get("rss_after_redirects_mb");
                    run.target("start-up: app-service ready (native)", nat.readyMedianMs(), "ms", "<= 100", nat.readyMedianMs() <= 100);
                    run.target("footprint: app-service RSS after " + sizes.rssRedirects() + " redirects (native)", nativeRss, "MB", "<= 80",
                            nativeRss <= 80);
                }
                if (run.wants("redirect")) {
                    new RedirectBenchmark(run, postgres).measure(app, nativeApp, appJvm.jvmOptions(), linksFile, codes);
                }
            } finally {
                app.close();
                if (nativeApp != null) {
                    nativeApp.close();
                }
            }
        }
    }

    /** The app's environment, with the extra settings and the profiler of the experiments when asked for. */
    private static Map<String, String> environment(PostgresServer postgres, RedisServer redis) {
        ServiceEnvironment env = ServiceEnvironment.app(postgres, DATABASE, DB_USER, DB_PASSWORD, redis);
        for (String pair : System.getenv().getOrDefault("BENCH_APP_ENV", "").split(",")) { // experiments only: extra app settings
            if (pair.contains("=")) {
                env.with(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        String profile = System.getenv("BENCH_PROFILE_APP");
        if (profile != null && !profile.isBlank()) {
            // Profiling only (figures then include the recorder): a JFR recording of app-service, dumped on exit.
            env.with("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,dumponexit=true,filename=" + profile);
        }
        return env.toMap();
    }

    /** Start-up figures of an app-service build and its RSS after the closed-loop redirects (which it serves now). */
    private Map<String, Object> footprint(Startups.Started started, List<String> codes, Long firstStartWithMigrationsMs) {
        Map<Integer, Long> warm = Support.requestCodes(started.process().baseUrl(), codes, sizes.rssRedirects(), 8);
        run.expectOnly302(warm, "the " + sizes.rssRedirects() + " redirects before the RSS reading");
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
}
