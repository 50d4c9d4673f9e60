package dev.linkstack.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reliability table holds the current run only: rows of a run add up, the first row of the next run drops them. */
class ReliabilityReportTest {

    @Test
    void theFirstRowOfANewRunDropsTheRowsOfEarlierRuns(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("reliability/report.tsv");
        ReliabilityReport.append(file, "run-1", "a check", "1 attempt", "0", "none");
        ReliabilityReport.append(file, "run-1", "b check", "2 attempts", "0", "none");
        assertEquals(List.of("a check", "b check"), checks(file, "run-1"));

        ReliabilityReport.append(file, "run-2", "b check", "2 attempts", "1", "none");
        assertEquals(List.of(), checks(file, "run-1"), "rows of the earlier run are gone");
        assertEquals(List.of("b check"), checks(file, "run-2"));
        assertEquals(List.of(ReliabilityReport.HEADER, "b check\t2 attempts\t1\tnone\trun-2"), Files.readAllLines(file));
    }

    @Test
    void aReportOfTheOlderFormatIsReplaced(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("report.tsv");
        Files.writeString(file, "check\tload/attempts\tfailures\tdata lost\nold check\t1 attempt\t0\tnone\n");
        ReliabilityReport.append(file, "run-1", "new check", "1 attempt", "0", "none");
        assertEquals(List.of(ReliabilityReport.HEADER, "new check\t1 attempt\t0\tnone\trun-1"), Files.readAllLines(file));
    }

    @Test
    void writersAtOnceLoseNoRow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.tsv");
        ReliabilityReport.append(file, "old run", "old check", "1", "0", "none");
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String check = "check " + i;
            done.add(writers.submit(() -> ReliabilityReport.append(file, "run-1", check, "1", "0", "none")));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        writers.shutdown();
        assertEquals(200, checks(file, "run-1").size());
        assertEquals(201, Files.readAllLines(file).size(), "the header and this run's rows only");
    }

    @Test
    void theScriptPrintsOneRunOnlyAndRefusesARunWithoutRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.tsv");
        Files.writeString(file, ReliabilityReport.HEADER + "\n"
                + "a check\t1 attempt\t0\tnone\tolder\n"
                + "b check\t2 attempts\t0\tnone\tlatest\n"
                + "c check\t3 attempts\t1\tnone\tlatest\n"
                + "b check\t4 attempts\t0\tnone\tlatest\n");
        String table = "| check | load / attempts | failures | data lost |\n|---|---|---|---|\n";
        assertEquals(new Script(0, table + "| b check | 4 attempts | 0 | none |\n| c check | 3 attempts | 1 | none |\n"), script(file));
        assertEquals(new Script(0, table + "| a check | 1 attempt | 0 | none |\n"), script(file, "older"));
        Script none = script(file, "skipped");
        assertEquals(1, none.exit(), none.out());
        assertTrue(none.out().contains("no reliability rows recorded by run skipped"), none.out());
    }

    private record Script(int exit, String out) {
    }

    private static Script script(Path report, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", Repository.root().resolve("scripts/reliability-report").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("RELIABILITY_REPORT", report.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Script(process.exitValue(), out);
    }

    private static List<String> checks(Path file, String run) {
        return ReliabilityReport.rows(file, run).stream().map(cells -> cells[0]).toList();
    }
}
