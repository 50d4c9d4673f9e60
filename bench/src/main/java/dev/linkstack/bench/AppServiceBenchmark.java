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
 * redirect load ({@link RedirectBenchmark}) against the instances left running. With BENCH_APP_JAR and the redirect
 * section, a previous build of the app gets the same start-up, footprint and redirect load, on its own database.
 */
final class AppServiceBenchmark {
    static final String DATABASE = "linkstack";
    private static final String DB_USER = "linkstack";
    /** The previous build's database, role and Redis database (BENCH_APP_JAR). */
    private static final String PREVIOUS_DATABASE = "linkstack_previous";
    private static final String PREVIOUS_DB_USER = "linkstack_previous";
    private static final int PREVIOUS_REDIS_DATABASE = 1;
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
        // The JVM build as the image runs it (Java 25, AOT cache), and on JDK 17 with AppCDS beside it when they differ.
        PackagedService appJdk17 = PackagedService.jvm(appModule);
        PackagedService appJvm = ServiceJvm.of(appJdk17);
        PackagedService appNative = PackagedService.nativeBuilt(appModule) ? PackagedService.nativeExecutable(appModule) : null;
        PackagedService appPrevious = run.wants("redirect") ? previousBuild() : null;
        try (RedisServer redis = new RedisServer(REDIS_PASSWORD).start()) {
            Map<String, String> env = environment(postgres, DATABASE, DB_USER, redis, redis.uri());

            // First start: creates the schema (Flyway); reported apart. It also creates the benchmark's links.
            Prepared prepared = firstStart(appJvm, "bench-app", env);
            List<String> codes = prepared.codes();
            Path linksFile = run.work.resolve("links.txt");
            Files.write(linksFile, codes.stream().map(c -> c + " " + targetUrl(c)).toList());
            // Instances stopped before the redirect benchmark store their clicks in the same database: the audit adds them.
            long[] answeredByStoppedInstances = {0};
            train(appJvm, "bench-app", env, codes, answeredByStoppedInstances);
            Map<String, String> previousEnv = null;
            Prepared previousPrepared = null;
            long[] answeredByPreviousStopped = {0};
            if (appPrevious != null) {
                // The previous build: its own database (its own, maybe older, migrations) and its own Redis database
                // (click counters, link cache, sessions), so each build's clicks can be checked on their own.
                postgres.createDatabase(PREVIOUS_DATABASE, PREVIOUS_DB_USER, DB_PASSWORD);
                previousEnv = environment(postgres, PREVIOUS_DATABASE, PREVIOUS_DB_USER, redis, redis.uri() + "/" + PREVIOUS_REDIS_DATABASE);
                previousEnv.remove("JAVA_TOOL_OPTIONS"); // the JFR recording of BENCH_PROFILE_APP is for the current build
                previousPrepared = firstStart(appPrevious, "bench-app-previous", previousEnv);
                if (!previousPrepared.codes().equals(codes)) {
                    throw new IllegalStateException("the previous build got other links than the current one");
                }
                // Its own training run, like the current build's: a cache left in its directory (one copied with it)
                // would load the classes of the build it was recorded for, and none would compare JDK 25 without a
                // cache against JDK 25 with one.
                train(appPrevious, "bench-app-previous", previousEnv, codes, answeredByPreviousStopped);
            }

            // Start-up: repeated starts against the migrated database, interleaved with JDK 17 + AppCDS when the
            // build runs on Java 25; the last one stays up for the rest.
            boolean compareJdk17 = run.wants("startup") && appJvm.javaFeatureVersion() != appJdk17.javaFeatureVersion();
            List<Startups.Started> starts = Startups.interleaved(sizes, compareJdk17 ? List.of(appJvm, appJdk17) : List.of(appJvm),
                    List.of("bench-app", "bench-app-jdk17"), env, 0);
            Startups.Started jvm = starts.get(0);
            ServiceProcess app = jvm.process();
            ServiceProcess nativeApp = null;
            ServiceProcess previousApp = null;
            try {
                Map<String, Object> jvmFigures = footprint(jvm, codes, prepared.firstReadyMs());
                run.startup().put("app_service", jvmFigures);
                double jvmRss = (double) jvmFigures.get("rss_after_redirects_mb");
                jvmTargets(jvm, jvmRss);
                if (compareJdk17) {
                    try (ServiceProcess jdk17 = starts.get(1).process()) {
                        Map<String, Object> jdk17Figures = footprint(starts.get(1), codes, null);
                        answeredByStoppedInstances[0] += ClickAudit.redirectedMetric(jdk17);
                        run.startup().put("app_service_jdk17", jdk17Figures);
                        jvmTargets(starts.get(1), (double) jdk17Figures.get("rss_after_redirects_mb"));
                    }
                }
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
                PreviousBuild previous = null;
                if (appPrevious != null) {
                    Startups.Started prev = Startups.startRepeatedly(sizes, appPrevious, "bench-app-previous", previousEnv, 0);
                    previousApp = prev.process();
                    Map<String, Object> previousFigures = footprint(prev, codes, previousPrepared.firstReadyMs());
                    run.startup().put("app_service_previous", previousFigures);
                    previous = new PreviousBuild(previousApp, appPrevious.artifact().getParent(), PREVIOUS_DATABASE, jvmRss,
                            (double) previousFigures.get("rss_after_redirects_mb"), answeredByPreviousStopped[0]);
                }
                if (run.wants("redirect")) {
                    new RedirectBenchmark(run, postgres).measure(app, nativeApp, previous, appJvm.jvmOptions(), linksFile, codes,
                            answeredByStoppedInstances[0]);
                }
            } finally {
                app.close();
                if (nativeApp != null) {
                    nativeApp.close();
                }
                if (previousApp != null) {
                    previousApp.close();
                }
            }
        }
    }

    /** Java 25 with the AOT cache: ready within 0.8 s, 200 MB; JDK 17 with AppCDS (or 25 without a cache): 1.5 s, 250 MB. */
    private void jvmTargets(Startups.Started started, double rssMb) {
        boolean aot = started.aotCache();
        long readyMs = started.readyMedianMs();
        run.target("start-up: app-service ready (" + started.jvm() + ")", readyMs, "ms", aot ? "<= 800" : "< 1500", aot ? readyMs <= 800 : readyMs < 1500);
        run.target("footprint: app-service RSS after " + sizes.rssRedirects() + " redirects (" + started.jvm() + ")", rssMb, "MB",
                aot ? "<= 200" : "< 250", aot ? rssMb <= 200 : rssMb < 250);
    }

    /** The AOT cache's training run of a build: redirects to every code, counted for the click audit of its database. */
    private void train(PackagedService jar, String name, Map<String, String> env, List<String> codes, long[] answeredByStoppedInstances)
            throws Exception {
        ServiceJvm.train(jar, name, env, training -> {
            run.expectOnly302(Support.requestCodes(training.baseUrl(), codes, sizes.rssRedirects(), 8), "the AOT cache's training redirects");
            answeredByStoppedInstances[0] += ClickAudit.redirectedMetric(training);
        });
    }

    /** The previous build of the app (BENCH_APP_JAR: its quarkus-app directory or quarkus-run.jar), or null. */
    private static PackagedService previousBuild() {
        String named = System.getenv().getOrDefault("BENCH_APP_JAR", "");
        if (named.isBlank()) {
            return null;
        }
        PackagedService build = ServiceJvm.of(PackagedService.jvmBuildAt(Path.of(named)));
        build.artifact(); // fails now, with the path, when there is no jar
        return build;
    }

    /**
     * The previous build of the app running beside the current one in the redirect rounds: where its jar is, its
     * database, and both builds' RSS after the closed-loop redirects.
     */
    record PreviousBuild(ServiceProcess process, Path quarkusApp, String database, double rssCurrentMb, double rssPreviousMb,
                         long answeredByStoppedInstances) {
    }

    /** A build's first start, on an empty database: migrations, then the benchmark's links through the API. */
    private record Prepared(long firstReadyMs, List<String> codes) {
    }

    private Prepared firstStart(PackagedService build, String name, Map<String, String> env) throws Exception {
        long firstStart = System.nanoTime();
        ServiceProcess app = Support.launch(build, name, env);
        try {
            long firstReadyMs = TimeUnit.NANOSECONDS.toMillis(Support.awaitOk(app.process(), app.baseUrl() + "/q/health/ready", firstStart,
                    Duration.ofSeconds(120), app.log()));
            return new Prepared(firstReadyMs, createLinks(app.baseUrl()));
        } finally {
            app.close();
        }
    }

    /** The app's environment, with the extra settings and the profiler of the experiments when asked for. */
    private static Map<String, String> environment(PostgresServer postgres, String database, String dbUser, RedisServer redis, String redisUrl) {
        ServiceEnvironment env = ServiceEnvironment.app(postgres, database, dbUser, DB_PASSWORD, redis).with("REDIS_URL", redisUrl);
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
        figures.put("jvm", started.jvm());
        figures.put("ready_ms_runs", started.readyMs());
        figures.put("ready_ms", started.readyMedianMs());
        figures.put("cpu_ms_at_ready_runs", started.cpuMs());
        figures.put("cpu_ms_at_ready", started.cpuMedianMs());
        figures.put("rss_ready_mb", Support.round(started.rssReadyMb(), 1));
        figures.put("redirects_before_rss", sizes.rssRedirects());
        figures.put("rss_after_redirects_mb", Support.round(rssAfterMb, 1));
        // Anonymous (heap, metaspace, code) and file-backed (jars, the mapped class archive) parts of that RSS.
        long pid = started.process().process().pid();
        figures.put("rss_anon_mb", Support.round(Support.procStatusKb(pid, "RssAnon") / 1024.0, 1));
        figures.put("rss_file_mb", Support.round(Support.procStatusKb(pid, "RssFile") / 1024.0, 1));
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
