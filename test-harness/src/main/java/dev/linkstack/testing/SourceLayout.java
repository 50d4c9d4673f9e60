package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shape of a service's main code, read from its sources: which of its packages use which (imports and fully
 * qualified names alike), and how long its files are. Tests hold the layout to "dependencies point one way".
 */
public final class SourceLayout {
    private final Map<String, Set<String>> uses = new TreeMap<>();
    private final Map<Path, Integer> lines = new TreeMap<>();

    private SourceLayout() {
    }

    /** Reads every .java file under {@code sourceRoot} (e.g. src/main/java) of the packages below {@code basePackage}. */
    public static SourceLayout read(Path sourceRoot, String basePackage) {
        SourceLayout layout = new SourceLayout();
        Pattern reference = Pattern.compile("\\b" + Pattern.quote(basePackage) + "\\.([a-z][a-z0-9_]*)\\.[A-Z]");
        Path baseDir = sourceRoot.resolve(basePackage.replace('.', '/'));
        try (Stream<Path> files = Files.walk(baseDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                layout.lines.put(sourceRoot.relativize(file), (int) text.lines().count());
                Path dir = baseDir.relativize(file.getParent());
                if (dir.toString().isEmpty()) {
                    continue; // the entry point beside the packages
                }
                String from = dir.getName(0).toString();
                Set<String> used = layout.uses.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher m = reference.matcher(text);
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        used.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return layout;
    }

    public Map<String, Set<String>> packageUses() {
        return uses;
    }

    /** Every cycle of package uses, each as the packages along it (e.g. [jobs, alerts, jobs]); empty when none. */
    public List<List<String>> cycles() {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : uses.keySet()) {
            walk(start, new ArrayList<>(), done, cycles);
        }
        return cycles;
    }

    private void walk(String at, List<String> path, Set<String> done, List<List<String>> cycles) {
        int seen = path.indexOf(at);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(at);
            cycles.add(cycle);
            return;
        }
        if (done.contains(at)) {
            return;
        }
        path.add(at);
        for (String next : uses.getOrDefault(at, Set.of())) {
            walk(next, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(at);
    }

    /** Files longer than {@code maxLines}, with their length. */
    public Map<Path, Integer> filesLongerThan(int maxLines) {
        Map<Path, Integer> longer = new TreeMap<>();
        lines.forEach((file, count) -> {
            if (count > maxLines) {
                longer.put(file, count);
            }
        });
        return longer;
    }

    /**
     * What breaks "dependencies point one way, files stay readable": each cycle and each file over {@code maxLines},
     * one line each, with the package uses for context; empty when the layout holds.
     */
    public List<String> problems(int maxLines) {
        List<String> problems = new ArrayList<>();
        cycles().forEach(cycle -> problems.add("packages use each other: " + String.join(" -> ", cycle) + " (uses: " + uses + ")"));
        filesLongerThan(maxLines).forEach((file, count) -> problems.add(file + " has " + count + " lines (at most " + maxLines + ")"));
        return problems;
    }
}
