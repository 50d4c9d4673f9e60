package dev.linkstack.bench;

import dev.linkstack.deploy.NginxConfig;
import dev.linkstack.testing.NginxServer;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ServiceProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Benchmark 1: redirect throughput and latency with wrk, in rounds over every setup — the Nginx ceiling (a), the app
 * behind our Nginx configuration (b) and directly (c), the bare-Quarkus floor (d) and behind Nginx (e), the earlier
 * keepalive pool (f, g), the native executable (h, i) and a previous build of the app (j, k; BENCH_APP_JAR) — then the
 * clicks audit ({@link ClickAudit}) of each build and the comparison with the previous one ({@link PreviousBuildComparison}).
 */
final class RedirectBenchmark {
    private final BenchRun run;
    private final Sizes sizes;
    private final PostgresServer postgres;

    RedirectBenchmark(BenchRun run, PostgresServer postgres) {
        this.run = run;
        this.sizes = run.sizes;
        this.postgres = postgres;
    }

    /** The wrk rounds of every setup and the responses wrk saw from each, warm-ups included. */
    private record Rounds(Map<String, List<Wrk.Result>> runs, Map<String, Long> completed) {
        long completed(Set<String> setups) {
            return setups.stream().mapToLong(s -> completed.getOrDefault(s, 0L)).sum();
        }
    }

    void measure(ServiceProcess app, ServiceProcess nativeApp, AppServiceBenchmark.PreviousBuild previous, Path appJvmOptions, Path linksFile,
                 List<String> codes, long answeredByStoppedInstances) throws Exception {
        PackagedService floorJar = ServiceJvm.of(PackagedService.jvm(run.root.resolve("bench")));
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
            NginxServer proxyPrevious = null;
            if (previous != null) {
                proxyPrevious = nginx(nginxes, null);
                startProxy(proxyPrevious, previous.process().port(), false);
            }

            Wrk wrk = new Wrk(run.work, codes, 2, sizes.connections());
            int pause = Integer.parseInt(System.getenv().getOrDefault("BENCH_PAUSE_SECONDS", "0"));
            if (pause > 0) { // experiments only: probe the running setup by hand
                System.out.printf("PAUSE app=%d floor=%d nginx-app=%d nginx-floor=%d ceiling=%d lua=%s%n", app.port(), floor.port(),
                        proxyApp.port(), proxyFloor.port(), ceiling.port(), run.work.resolve("redirects.lua"));
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
            if (previous != null) {
                // The previous build (BENCH_APP_JAR) as (b) and (c), on its own database, in the same rounds.
                urls.put(PreviousBuildComparison.B_PREVIOUS, proxyPrevious.baseUrl());
                urls.put(PreviousBuildComparison.C_PREVIOUS, previous.process().baseUrl());
            }
            Set<String> appRuns = urls.keySet().stream().filter(k -> k.startsWith("b_") || k.startsWith("c_") || k.startsWith("g_")
                    || k.startsWith("h_") || k.startsWith("i_")).collect(Collectors.toSet());
            Set<String> previousRuns = Set.of(PreviousBuildComparison.B_PREVIOUS, PreviousBuildComparison.C_PREVIOUS);

            Rounds rounds = runRounds(wrk, urls);
            Map<String, Object> redirect = new LinkedHashMap<>();
            Map<String, Wrk.Result> bestRuns = summarize(rounds.runs(), codes, redirect);
            Wrk.Result b = bestRuns.get("b_nginx_app");
            double ba = b.requestsPerSecond() / bestRuns.get("a_nginx_ceiling").requestsPerSecond();
            double cd = bestRuns.get("c_app_direct").requestsPerSecond() / bestRuns.get("d_bare_quarkus").requestsPerSecond();
            Double nativeOverJvm = nativeApp == null ? null
                    : bestRuns.get("h_native_app_direct").requestsPerSecond() / bestRuns.get("c_app_direct").requestsPerSecond();
            long errors = rounds.runs().values().stream().flatMap(List::stream).mapToLong(Wrk.Result::errors).sum();
            redirect.put("errors_all_runs", errors);

            long closedLoop = (long) sizes.rssRedirects() * (nativeApp != null ? 2 : 1); // the RSS readings' redirects
            long wrkRuns = (long) (sizes.rounds() + 1) * appRuns.size();
            boolean exact = new ClickAudit(run, postgres, AppServiceBenchmark.DATABASE, "", answeredByStoppedInstances)
                    .audit(app, nativeApp, proxyApp, codes, rounds.completed(appRuns), closedLoop, wrkRuns, redirect);
            run.results.put("redirect", redirect);

            double be = b.requestsPerSecond() / bestRuns.get("e_nginx_bare_quarkus").requestsPerSecond();
            run.target("redirect: b/e (Nginx->app vs Nginx->bare Quarkus)", be, "", ">= 0.95", be >= 0.95);
            run.target("redirect: c/d (app vs bare Quarkus)", cd, "", ">= 0.95", cd >= 0.95);
            run.target("redirect: b/a (Nginx->app vs Nginx ceiling)", ba, "", ">= 0.88", ba >= 0.88);
            tailTarget(rounds.runs(), "b_nginx_app", "e_nginx_bare_quarkus", redirect);
            tailTarget(rounds.runs(), "c_app_direct", "d_bare_quarkus", redirect);
            if (nativeOverJvm != null) {
                run.target("redirect: native/JVM throughput, direct (h/c)", nativeOverJvm, "", ">= 0.7", nativeOverJvm >= 0.7);
            }
            run.target("redirect: errors (all runs)", errors, "", "0", errors == 0);
            run.target("redirect: clicks stored = 302 responses", exact ? 1 : 0, "", "exact", exact);
            if (previous != null) {
                Map<String, Object> comparison = new LinkedHashMap<>();
                redirect.put("previous_build", comparison);
                boolean previousExact = new ClickAudit(run, postgres, previous.database(), "previous build: ", previous.answeredByStoppedInstances())
                        .audit(previous.process(), null, proxyPrevious, codes, rounds.completed(previousRuns), sizes.rssRedirects(),
                                (long) (sizes.rounds() + 1) * previousRuns.size(), comparison);
                new PreviousBuildComparison(run, previous).compare(rounds.runs(), exact, previousExact, comparison);
            }
        } finally {
            for (NginxServer nginx : nginxes) {
                nginx.close();
            }
            floor.close();
        }
    }

    /**
     * No tail the floor does not have: the app's p99 over the floor's, taken round by round (the two ran minutes apart
     * at most, on the same machine), judged on the median of the rounds; the spread is printed and kept.
     */
    private void tailTarget(Map<String, List<Wrk.Result>> runs, String app, String floor, Map<String, Object> redirect) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(runs.get(app).size(), runs.get(floor).size()); i++) {
            ratios.add(runs.get(app).get(i).p99Millis() / runs.get(floor).get(i).p99Millis());
        }
        double median = Support.median(ratios);
        String a = app.substring(0, 1);
        String f = floor.substring(0, 1);
        System.out.printf(Locale.ROOT, "   p99 (%s) / p99 (%s), same round: median %.2f [%.2f..%.2f]%n", a, f, median, Collections.min(ratios),
                Collections.max(ratios));
        redirect.put("p99_" + a + "_over_p99_" + f, Map.of("median", Support.round(median, 3),
                "rounds", ratios.stream().map(ratio -> Support.round(ratio, 3)).toList()));
        run.target("redirect: p99 (" + a + ") / p99 (" + f + "), same round, median", median, "", "<= 1.5", median <= 1.5);
    }

    /**
     * Every setup once per round (the first round after a warm-up), printing each run as it ends; each build's runs
     * next to the previous build's, in turns first and second ({@link PreviousBuildComparison#roundOrder}).
     */
    private Rounds runRounds(Wrk wrk, Map<String, String> urls) throws Exception {
        Map<String, List<Wrk.Result>> runs = new LinkedHashMap<>();
        Map<String, Long> completed = new LinkedHashMap<>(); // responses wrk saw from each setup, warm-ups included
        for (int round = 1; round <= sizes.rounds(); round++) {
            for (String name : PreviousBuildComparison.roundOrder(urls.keySet(), round)) {
                String url = urls.get(name);
                if (round == 1) {
                    Wrk.Result warm = wrk.run(url, sizes.warmupSeconds());
                    run.checkErrors(name + " warm-up", warm);
                    completed.merge(name, warm.requests(), Long::sum);
                }
                Wrk.Result result = wrk.run(url, sizes.seconds());
                System.out.printf(Locale.ROOT, "  %-22s round %d: %,10.0f req/s  p50 %.2f ms  p99 %.2f ms  errors %d%n", name, round,
                        result.requestsPerSecond(), result.p50Millis(), result.p99Millis(), result.errors());
                run.checkErrors(name, result);
                completed.merge(name, result.requests(), Long::sum);
                runs.computeIfAbsent(name, k -> new ArrayList<>()).add(result);
            }
            PreviousBuildComparison.printRound(runs, round);
        }
        return new Rounds(runs, completed);
    }

    /** The best round of every setup and the ratios between them, into {@code redirect}; returns the best rounds. */
    private Map<String, Wrk.Result> summarize(Map<String, List<Wrk.Result>> runs, List<String> codes, Map<String, Object> redirect) {
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
        redirect.put("ratio_b_over_a", Support.round(b.requestsPerSecond() / a.requestsPerSecond(), 3));
        redirect.put("ratio_c_over_d", Support.round(c.requestsPerSecond() / d.requestsPerSecond(), 3));
        redirect.put("ratio_e_over_a", Support.round(e.requestsPerSecond() / a.requestsPerSecond(), 3));
        redirect.put("ratio_b_over_e", Support.round(b.requestsPerSecond() / e.requestsPerSecond(), 3));
        redirect.put("ratio_g_over_f_keepalive32", Support.round(bestRuns.get("g_nginx_app_keepalive32").requestsPerSecond()
                / bestRuns.get("f_nginx_ceiling_keepalive32").requestsPerSecond(), 3));
        redirect.put("ratio_g_over_b_keepalive32", Support.round(bestRuns.get("g_nginx_app_keepalive32").requestsPerSecond()
                / b.requestsPerSecond(), 3));
        if (bestRuns.containsKey("h_native_app_direct")) {
            redirect.put("ratio_native_over_jvm_direct_h_over_c", Support.round(bestRuns.get("h_native_app_direct").requestsPerSecond()
                    / c.requestsPerSecond(), 3));
            redirect.put("ratio_native_over_jvm_behind_nginx_i_over_b", Support.round(bestRuns.get("i_nginx_native_app").requestsPerSecond()
                    / b.requestsPerSecond(), 3));
        }
        return bestRuns;
    }

    private static NginxServer nginx(List<NginxServer> started, String config) {
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
}
