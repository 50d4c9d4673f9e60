package dev.linkstack.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A previous build of the app (BENCH_APP_JAR) against the current one in the same redirect rounds: (j) behind the same
 * Nginx as (b), (k) direct as (c). Per round and as median with spread: b(new)/b(prev), c(new)/c(prev), each build's b/a
 * and c/d, p99s, then both builds' RSS after the closed-loop redirects and their clicks. The target — within
 * 3 % on b/a and c/d, RSS within +10 MB — is reported, never fatal.
 */
final class PreviousBuildComparison {
    static final String B_PREVIOUS = "j_nginx_previous_app";
    static final String C_PREVIOUS = "k_previous_app_direct";
    private static final Map<String, String> PREVIOUS_OF = Map.of("b_nginx_app", B_PREVIOUS, "c_app_direct", C_PREVIOUS);
    /** new/previous throughput at least this (b/a and c/d share a and d within a round, so their ratios are b/j and c/k). */
    static final double THROUGHPUT_TARGET = 0.97;
    static final double RSS_TARGET_MB = 10;

    private final BenchRun run;
    private final AppServiceBenchmark.PreviousBuild previous;

    PreviousBuildComparison(BenchRun run, AppServiceBenchmark.PreviousBuild previous) {
        this.run = run;
        this.previous = previous;
    }

    /**
     * The order of the setups in a round: each previous-build setup next to the current build's, after it in odd
     * rounds and before it in even ones, so neither build always runs on the other's heat.
     */
    static List<String> roundOrder(Collection<String> setups, int round) {
        List<String> order = new ArrayList<>();
        for (String setup : setups) {
            String previous = PREVIOUS_OF.get(setup);
            if (PREVIOUS_OF.containsValue(setup)) {
                continue; // placed with its pair
            }
            if (previous == null || !setups.contains(previous)) {
                order.add(setup);
            } else if (round % 2 == 1) {
                order.addAll(List.of(setup, previous));
            } else {
                order.addAll(List.of(previous, setup));
            }
        }
        return order;
    }

    /** The figures of one round (1-based), named as in the JSON. */
    private static Map<String, Double> round(Map<String, List<Wrk.Result>> runs, int round) {
        Wrk.Result a = runs.get("a_nginx_ceiling").get(round - 1);
        Wrk.Result b = runs.get("b_nginx_app").get(round - 1);
        Wrk.Result c = runs.get("c_app_direct").get(round - 1);
        Wrk.Result d = runs.get("d_bare_quarkus").get(round - 1);
        Wrk.Result j = runs.get(B_PREVIOUS).get(round - 1);
        Wrk.Result k = runs.get(C_PREVIOUS).get(round - 1);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("b_new_over_previous", b.requestsPerSecond() / j.requestsPerSecond());
        figures.put("c_new_over_previous", c.requestsPerSecond() / k.requestsPerSecond());
        figures.put("b_over_a_new", b.requestsPerSecond() / a.requestsPerSecond());
        figures.put("b_over_a_previous", j.requestsPerSecond() / a.requestsPerSecond());
        figures.put("c_over_d_new", c.requestsPerSecond() / d.requestsPerSecond());
        figures.put("c_over_d_previous", k.requestsPerSecond() / d.requestsPerSecond());
        figures.put("p99_b_new_ms", b.p99Millis());
        figures.put("p99_b_previous_ms", j.p99Millis());
        figures.put("p99_c_new_ms", c.p99Millis());
        figures.put("p99_c_previous_ms", k.p99Millis());
        return figures;
    }

    /** Prints the round's comparison when a previous build runs. */
    static void printRound(Map<String, List<Wrk.Result>> runs, int round) {
        if (!runs.containsKey(B_PREVIOUS)) {
            return;
        }
        Map<String, Double> f = round(runs, round);
        System.out.printf(Locale.ROOT, "  new vs previous build, round %d: b(new)/b(prev) %.3f  c(new)/c(prev) %.3f  b/a %.3f vs %.3f"
                        + "  c/d %.3f vs %.3f  p99 b %.2f vs %.2f ms  p99 c %.2f vs %.2f ms%n", round, f.get("b_new_over_previous"),
                f.get("c_new_over_previous"), f.get("b_over_a_new"), f.get("b_over_a_previous"), f.get("c_over_d_new"), f.get("c_over_d_previous"),
                f.get("p99_b_new_ms"), f.get("p99_b_previous_ms"), f.get("p99_c_new_ms"), f.get("p99_c_previous_ms"));
    }

    /** Puts the comparison into {@code out} (redirect.previous_build, which already holds the previous build's clicks) and the targets. */
    void compare(Map<String, List<Wrk.Result>> runs, boolean currentExact, boolean previousExact, Map<String, Object> out) {
        out.put("quarkus_app", previous.quarkusApp().toString());
        out.put("revision", revision(previous.quarkusApp()));
        int rounds = runs.get(B_PREVIOUS).size();
        List<Map<String, Double>> perRound = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Map<String, Double> figures = new LinkedHashMap<>();
            round(runs, r).forEach((name, value) -> figures.put(name, Support.round(value, 3)));
            perRound.add(figures);
        }
        Map<String, Object> spread = new LinkedHashMap<>();
        for (String name : perRound.get(0).keySet()) {
            List<Double> values = perRound.stream().map(f -> f.get(name)).sorted().toList();
            spread.put(name, Map.of("median", Support.round(Support.median(values), 3), "min", values.get(0), "max", values.get(values.size() - 1)));
        }
        out.put("per_round", perRound);
        out.put("median_and_spread", spread);
        double rssDifference = Support.round(previous.rssCurrentMb() - previous.rssPreviousMb(), 1);
        out.put("rss_after_redirects_mb", Map.of("new", previous.rssCurrentMb(), "previous", previous.rssPreviousMb(), "difference", rssDifference));
        out.put("redirects_before_rss", run.sizes.rssRedirects());
        out.put("clicks_exact", Map.of("new", currentExact, "previous", previousExact));

        double b = median(spread, "b_new_over_previous");
        double c = median(spread, "c_new_over_previous");
        boolean met = b >= THROUGHPUT_TARGET && c >= THROUGHPUT_TARGET && rssDifference <= RSS_TARGET_MB;
        out.put("target", String.format(Locale.ROOT, "new/previous >= %.2f on b/a and c/d (medians), RSS new - previous <= +%.0f MB",
                THROUGHPUT_TARGET, RSS_TARGET_MB));
        out.put("target_met", met);
        run.target("new/previous build: b(new)/b(prev) = b/a ratio, median", b, "", ">= " + THROUGHPUT_TARGET, b >= THROUGHPUT_TARGET);
        run.target("new/previous build: c(new)/c(prev) = c/d ratio, median", c, "", ">= " + THROUGHPUT_TARGET, c >= THROUGHPUT_TARGET);
        run.target("new/previous build: RSS difference after " + run.sizes.rssRedirects() + " redirects", rssDifference, "MB",
                "<= +" + (int) RSS_TARGET_MB, rssDifference <= RSS_TARGET_MB);
        run.target("previous build: clicks stored = 302 responses", previousExact ? 1 : 0, "", "exact", previousExact);
    }

    @SuppressWarnings("unchecked")
    private static double median(Map<String, Object> spread, String name) {
        return (double) ((Map<String, Object>) spread.get(name)).get("median");
    }

    /** The REVISION line bench/previous-jar writes next to the copied quarkus-app ("unknown" for a jar from elsewhere). */
    private static String revision(Path quarkusApp) {
        Path file = quarkusApp.getParent().resolve("REVISION");
        try {
            return Files.exists(file) ? Files.readString(file).trim() : "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
