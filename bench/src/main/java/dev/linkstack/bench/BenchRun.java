package dev.linkstack.bench;

import dev.linkstack.testing.Processes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One run of {@code bench/run}: its sizes, the sections asked for, a scratch folder, and what the benchmarks found —
 * the JSON results, the targets with their verdicts and the problems that make the run fail.
 */
final class BenchRun {
    final Sizes sizes;
    final boolean smoke;
    final Path root;
    final Path work;
    final Set<String> sections;
    final Map<String, Object> results = new LinkedHashMap<>();
    final List<Map<String, Object>> targets = new ArrayList<>();
    final List<String> problems = new ArrayList<>();

    BenchRun(boolean smoke, Path root, Set<String> sections) {
        this.smoke = smoke;
        this.sizes = Sizes.chosen(smoke);
        this.root = root;
        this.sections = sections;
        this.work = Processes.openTempDir("linkstack-bench-");
    }

    boolean wants(String section) {
        return sections.contains(section);
    }

    /** The start-up figures of every service build, filled in by the app and the backup benchmarks. */
    @SuppressWarnings("unchecked")
    Map<String, Object> startup() {
        return (Map<String, Object>) results.computeIfAbsent("startup", k -> new LinkedHashMap<String, Object>());
    }

    /** A performance target and whether it was met: reported, never fatal. */
    void target(String name, double value, String unit, String goal, boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("value", Support.round(value, 3));
        t.put("unit", unit);
        t.put("target", goal);
        t.put("met", met);
        targets.add(t);
    }

    /** The machinery is broken: the run exits with 1. */
    void problem(String what) {
        problems.add(what);
    }

    void checkErrors(String name, Wrk.Result result) {
        if (result.errors() > 0) {
            problem(name + ": " + result.errors() + " errors (" + result.statusErrors() + " non-3xx, " + result.timeouts() + " timeouts)");
        }
        if (result.requests() == 0) {
            problem(name + ": no responses at all");
        }
    }

    void expectOnly302(Map<Integer, Long> statuses, String what) {
        if (statuses.keySet().stream().anyMatch(s -> s != 302)) {
            problem(what + ": statuses other than 302: " + new TreeMap<>(statuses));
        }
    }

    static void step(String what) {
        System.out.println("== " + what);
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().collect(Collectors.toList());
        return sorted.get(sorted.size() / 2);
    }

    static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    static double mb(long bytes) {
        return Support.round(bytes / 1024.0 / 1024.0, 1);
    }
}
