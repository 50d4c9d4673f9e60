package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of the reliability summary: every check that tries to break a promise records what it tried, how much of it
 * failed and how much data was lost. Rows go to {@code target/reliability/report.tsv} at the project root (one file
 * for all modules of a build) and are printed as one table by {@code scripts/reliability-report}.
 *
 * <p>Each row carries the run it belongs to ({@value #RUN_PROPERTY}: the root pom gives every test JVM of one Maven
 * invocation the same id, {@code .ci/run} gives its JVM and native invocations one id). The first row of a new run
 * drops every row of earlier runs, so a check that did not run this time cannot show an old pass.
 */
public final class ReliabilityReport {
    /** System property with the id of the current run. */
    public static final String RUN_PROPERTY = "reliability.run";
    public static final String RUN_VARIABLE = "RELIABILITY_RUN";
    static final String HEADER = "check\tload/attempts\tfailures\tdata lost\trun";
    /** Outside Maven (no {@value #RUN_PROPERTY}), each JVM is a run of its own. */
    private static final String JVM_RUN = "jvm-" + Instant.now();

    private ReliabilityReport() {
    }

    /**
     * @param check    what was tried, e.g. "kill -9 one of two app instances under redirect load"
     * @param load     how much was tried, e.g. "41,230 requests" or "2,000 generated requests"
     * @param failures what failed, e.g. "3 (0.007 %)" or "0"
     * @param dataLost what was lost, e.g. "0 clicks" or "none"
     */
    public static synchronized void record(String check, String load, String failures, String dataLost) {
        // Checks run against the native executables get rows of their own.
        String label = "native".equals(System.getProperty(PackagedService.PROPERTY)) ? check + " (native)" : check;
        append(file(), run(), label, load, failures, dataLost);
    }

    /** The report file at the root of the build (see {@link Repository#root()}): one for all modules. */
    public static Path file() {
        return Repository.root().resolve("target").resolve("reliability").resolve("report.tsv");
    }

    /**
     * The id of the current run: the environment's {@value #RUN_VARIABLE} (one id across several Maven invocations,
     * as in .ci/run), else {@value #RUN_PROPERTY} (the root pom sets it per invocation), else one per JVM.
     */
    public static String run() {
        String shared = System.getenv(RUN_VARIABLE);
        if (shared != null && !shared.isBlank()) {
            return shared.strip();
        }
        String run = System.getProperty(RUN_PROPERTY);
        return run == null || run.isBlank() ? JVM_RUN : run.strip();
    }

    /** Formats a count with the share of a total, e.g. "3 (0.007 %)". */
    public static String share(long part, long total) {
        return total == 0 ? String.valueOf(part) : String.format("%,d (%.3f %%)", part, 100.0 * part / total);
    }

    /** The current run's rows (check, load, failures, data lost, run). */
    public static List<String[]> rows() {
        return rows(file(), run());
    }

    /** The rows of {@code run} in {@code file}. */
    static List<String[]> rows(Path file, String run) {
        List<String[]> rows = new ArrayList<>();
        for (String line : lines(file)) {
            if (line.equals(HEADER)) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            if (cells.length == 5 && cells[4].equals(run)) {
                rows.add(cells);
            }
        }
        return rows;
    }

    /**
     * Adds a row of {@code run} to {@code file}, first dropping the rows of every other run (and a header of another
     * format). Test JVMs of several modules, and two class loaders in one JVM, may write at once: a file lock orders
     * them, and a rewrite replaces the file in one move.
     */
    static void append(Path file, String runId, String check, String load, String failures, String dataLost) {
        String run = clean(runId);
        String row = String.join("\t", clean(check), clean(load), clean(failures), clean(dataLost), run);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockFile = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lock(lockFile)) {
                List<String> lines = lines(file);
                boolean current = !lines.isEmpty() && lines.get(0).equals(HEADER)
                        && lines.stream().skip(1).allMatch(line -> line.endsWith("\t" + run));
                if (current) {
                    Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    return;
                }
                StringBuilder text = new StringBuilder(HEADER).append('\n');
                rows(file, run).forEach(cells -> text.append(String.join("\t", cells)).append('\n'));
                text.append(row).append('\n');
                Path next = file.resolveSibling(file.getFileName() + ".next");
                Files.writeString(next, text, StandardCharsets.UTF_8);
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the lock; another class loader of this JVM holding it shows as an overlap, not as a wait. */
    private static FileLock lock(FileChannel channel) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                if (attempt > 1000) {
                    throw heldInThisJvm;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static List<String> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clean(String cell) {
        return cell.replace('\t', ' ').replace('\n', ' ');
    }
}
