package dev.linkstack.bench;

import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark driver behind {@code bench/run}: starts every server itself on free loopback ports, measures the
 * benchmarks of the Performance section of the README ({@link AppServiceBenchmark} with
 * {@link RedirectBenchmark}, {@link BackupBenchmark} with {@link RestoreBenchmark}, {@link PitrRestoreBenchmark}), prints a table with ratios and
 * targets ({@link SummaryTable}), and writes JSON to bench/results/. Exit code 1 when the machinery is broken
 * (errors, clicks not exact, a failed backup or restore); missed performance targets are reported, never fatal.
 */
public final class Bench {
    private final BenchRun run;

    private Bench(BenchRun run) {
        this.run = run;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Path root = Path.of(".").toAbsolutePath().normalize();
        Set<String> sections = Set.of("redirect", "backup", "startup", "pitr");
        for (String arg : args) {
            if (arg.equals("--smoke")) {
                smoke = true;
            } else if (arg.startsWith("--root=")) {
                root = Path.of(arg.substring(7)).toAbsolutePath().normalize();
            } else if (arg.startsWith("--only=")) {
                sections = Set.of(arg.substring(7).split(","));
            } else {
                System.err.println("usage: bench/run [--smoke] [--only=redirect,backup,startup,pitr]");
                System.exit(64);
            }
        }
        BenchRun run = new BenchRun(smoke, root, sections);
        int exit;
        try {
            exit = new Bench(run).run();
        } finally {
            Processes.deleteRecursively(run.work);
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        Instant started = Instant.now();
        Map<String, Object> results = run.results;
        results.put("mode", run.smoke ? "smoke" : "full");
        results.put("started", started.toString());
        results.put("machine", machine());
        results.put("sizes", run.sizes);
        try (PostgresServer postgres = PostgresServer.installed().start()) {
            if (run.wants("redirect") || run.wants("startup")) {
                BenchRun.step("redirect path and app-service start-up");
                new AppServiceBenchmark(run).measure(postgres);
            }
            if (run.wants("backup") || run.wants("startup")) {
                BenchRun.step("backup, memory, restore and backup-service start-up");
                new BackupBenchmark(run, postgres).measure();
            }
            if (run.wants("pitr")) {
                new PitrRestoreBenchmark(run).measure();
            }
        } catch (Exception e) {
            e.printStackTrace();
            run.problem("benchmark aborted: " + e);
        }
        results.put("native", nativeNote());
        results.put("targets", run.targets);
        results.put("problems", run.problems);
        results.put("seconds", Duration.between(started, Instant.now()).toSeconds());
        String table = SummaryTable.render(run);
        System.out.println();
        System.out.println(table);
        writeResults(started, table);
        if (!run.problems.isEmpty()) {
            System.out.println("BROKEN: " + String.join("; ", run.problems));
            return 1;
        }
        return 0;
    }

    private void writeResults(Instant started, String table) throws IOException {
        Path dir = Files.createDirectories(run.root.resolve("bench/results"));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
        String mode = run.smoke ? "smoke" : "full";
        String json = Support.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run.results);
        Files.writeString(dir.resolve(stamp + "-" + mode + ".json"), json);
        Files.writeString(dir.resolve("latest-" + mode + ".json"), json);
        if (!run.smoke && run.problems.isEmpty() && run.sections.containsAll(List.of("redirect", "backup", "startup", "pitr"))) {
            Files.writeString(dir.resolve("summary.txt"), table + "\nmachine: " + run.results.get("machine") + "\n");
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
            (PackagedService.nativeBuilt(run.root.resolve(module)) ? measured : missing).add(module);
        }
        return (measured.isEmpty() ? "" : "measured the native executables of " + String.join(", ", measured) + " side by side with the JVM")
                + (measured.isEmpty() || missing.isEmpty() ? "" : "; ")
                + (missing.isEmpty() ? "" : "no native executable of " + String.join(", ", missing) + " (build with -Dnative, see README)");
    }
}
