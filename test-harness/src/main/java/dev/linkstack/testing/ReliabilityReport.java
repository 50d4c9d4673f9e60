package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of the reliability summary: every check that tries to break a promise records what it tried, how much of it
 * failed and how much data was lost. Rows are appended to {@code target/reliability/report.tsv} at the project root
 * (one file for all modules of a build) and printed as one table by {@code scripts/reliability-report}.
 */
public final class ReliabilityReport {
    private static final String HEADER = "check\tload/attempts\tfailures\tdata lost\n";

    private ReliabilityReport() {
    }

    /**
     * @param check    what was tried, e.g. "kill -9 one of two app instances under redirect load"
     * @param load     how much was tried, e.g. "41,230 requests" or "2,000 generated requests"
     * @param failures what failed, e.g. "3 (0.007 %)" or "0"
     * @param dataLost what was lost, e.g. "0 clicks" or "none"
     */
    public static synchronized void record(String check, String load, String failures, String dataLost) {
        Path file = file();
        // Checks run against the native executables get rows of their own.
        String label = "native".equals(System.getProperty(PackagedService.PROPERTY)) ? check + " (native)" : check;
        String row = String.join("\t", clean(label), clean(load), clean(failures), clean(dataLost)) + "\n";
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report file at the root of the build (see {@link Repository#root()}): one for all modules. */
    public static Path file() {
        return Repository.root().resolve("target").resolve("reliability").resolve("report.tsv");
    }

    /** Formats a count with the share of a total, e.g. "3 (0.007 %)". */
    public static String share(long part, long total) {
        return total == 0 ? String.valueOf(part) : String.format("%,d (%.3f %%)", part, 100.0 * part / total);
    }

    /** The rows recorded so far (without the header), for tests of the report itself. */
    public static List<String[]> rows() {
        Path file = file();
        List<String[]> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.equals(HEADER.strip())) {
                    rows.add(line.split("\t", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static String clean(String cell) {
        return cell.replace('\t', ' ').replace('\n', ' ');
    }
}
