package dev.linkstack.backup.process;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child processes: exit reports, the watchdog, and the kill of a whole process tree. */
class ExternalCommandTest {

    @Test
    void reportsTheExitCodeAndTheEndOfStderr() throws Exception {
        try (ExternalCommand.Running running = ExternalCommand.of("sh", new ProcessBuilder("sh", "-c", "echo out; echo broken >&2; exit 3"))
                .timeout(Duration.ofSeconds(30)).start()) {
            assertEquals("out\n", new String(running.stdout().readAllBytes(), StandardCharsets.UTF_8));
            ExternalCommand.Exit exit = running.await();
            assertEquals(3, exit.code());
            assertFalse(exit.ok());
            assertFalse(exit.timedOut());
            assertEquals("exit code 3", exit.describeCode());
            assertEquals(": broken", exit.outputSuffix());
        }
    }

    @Test
    void theWatchdogKillsTheWholeTreeAtTheTimeout() throws Exception {
        long started = System.nanoTime();
        // The shell's child keeps stdout open: reading it ends only when the tree is killed.
        try (ExternalCommand.Running running = ExternalCommand.of("sleeper", new ProcessBuilder("sh", "-c", "sleep 600; echo never"))
                .timeout(Duration.ofMillis(500)).start()) {
            try (InputStream stdout = running.stdout()) {
                assertEquals(0, stdout.readAllBytes().length);
            }
            ExternalCommand.Exit exit = running.await();
            assertTrue(exit.timedOut());
            assertFalse(exit.ok());
            assertEquals("sleeper did not finish within PT0.5S and was stopped", exit.timeoutMessage());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(20)) < 0, "killed at the timeout");
    }

    @Test
    void feedsStdinAndKeepsTheLastLinesOfMergedOutput() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ExternalCommand.Running running = ExternalCommand.of("cat", new ProcessBuilder("sh", "-c", "cat; echo done >&2"))
                .timeout(Duration.ofSeconds(30)).feedStdin().mergedOutputLines(2, seen::add).start()) {
            try (OutputStream stdin = running.stdin()) {
                stdin.write("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
            }
            ExternalCommand.Exit exit = running.await();
            assertTrue(exit.ok());
            assertEquals("three\ndone", exit.output());
        }
        assertEquals(List.of("one", "two", "three", "done"), seen);
    }

    @Test
    void signalsAreNamed() {
        assertEquals("killed by signal 9", ExternalCommand.describeExit(137));
        assertEquals("exit code 1", ExternalCommand.describeExit(1));
    }
}
