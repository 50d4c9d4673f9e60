package dev.linkstack.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The log scan's positive control: every kind of secret the log checks search for, planted in a log and its
 * rotations the way a careless log line would carry it, is found at its file and line; the same log without them,
 * with near misses instead, is clean; a file of another name is not read.
 */
class LogScanControlTest {
    private static final Map<String, String> SECRETS = new LinkedHashMap<>(Map.of(
            "password", "Pw-3f9c2a71d04e4b1a",
            "session id", "Q2xpY2tzQXJlQ291bnRlZEluTWVtb3J5",
            "database password", "db-secret-77aa"));

    @Test
    void findsEveryPlantedSecretAndPatternAtItsLine(@TempDir Path dir) throws IOException {
        Path log = write(dir, "service.log",
                "2026-12-02 06:00:00 INFO  [auth] sign-in of alice",
                "2026-12-02 06:00:01 DEBUG [auth] checking password Pw-3f9c2a71d04e4b1a for alice",
                "2026-12-02 06:00:02 INFO  [http] POST /api/auth/login body={\"username\": \"alice\", \"password\" : \"hunter2\"}",
                "2026-12-02 06:00:03 INFO  [tokens] issued lsk_AbCdEfGhIjKlMnOpQrStUvWx_-12 to alice");
        Path rotated = write(dir, "service.log.1",
                "2026-12-01 23:59:59 WARN  [session] unknown session Q2xpY2tzQXJlQ291bnRlZEluTWVtb3J5",
                "2026-12-01 23:59:59 ERROR [db] connection to postgresql://app:db-secret-77aa@db/app refused");
        write(dir, "other.log", "Pw-3f9c2a71d04e4b1a lsk_AbCdEfGhIjKlMnOpQrStUvWx_-12");

        List<Path> files = LogScan.files(dir, "service.log");
        assertEquals(List.of(log, rotated), files, "the log and its rotation, nothing else");
        LogScan.Result result = LogScan.scan(files, SECRETS, LogScan.CREDENTIAL_PATTERNS);
        Set<LogScan.Leak> expected = Set.of(
                new LogScan.Leak("password", log, 2),
                new LogScan.Leak("a password field", log, 3),
                new LogScan.Leak("an API token", log, 4),
                new LogScan.Leak("session id", rotated, 1),
                new LogScan.Leak("database password", rotated, 2));
        Set<LogScan.Leak> found = new HashSet<>(result.leaks());
        long missed = expected.stream().filter(leak -> !found.contains(leak)).count();
        ReliabilityReport.record("log scan positive control: " + SECRETS.size() + " secrets + " + LogScan.CREDENTIAL_PATTERNS.size()
                        + " patterns planted in a log and its rotation", String.format("%,d log lines in %d files", result.lines(), result.files()),
                missed + " planted secrets missed", "n/a");

        assertEquals(expected, found);
        assertEquals(expected.size(), result.leaks().size(), "one finding per planted secret");
        assertEquals(6, result.lines());
    }

    @Test
    void aLogWithNearMissesIsClean(@TempDir Path dir) throws IOException {
        write(dir, "service.log",
                "2026-12-02 06:00:01 DEBUG [auth] checking the password of alice (Pw-3f9c2a71d0...)",
                "2026-12-02 06:00:02 INFO  [http] POST /api/auth/login body={\"username\": \"alice\", \"password\": ***}",
                "2026-12-02 06:00:03 INFO  [tokens] issued lsk_AbCdEf... (prefix only) to alice",
                "2026-12-02 06:00:04 WARN  [session] unknown session Q2xpY2tzQXJl...",
                "2026-12-02 06:00:05 ERROR [db] connection to postgresql://app:***@db/app refused");
        LogScan.Result result = LogScan.scan(LogScan.files(dir, "service.log"), SECRETS, LogScan.CREDENTIAL_PATTERNS);
        assertEquals(List.of(), result.leaks());
        assertEquals(5, result.lines());
    }

    @Test
    void refusesSecretsTooShortToSearchFor() {
        assertThrows(IllegalArgumentException.class, () -> LogScan.scan(List.of(), Map.of("pin", "1234"), Map.of()));
    }

    private static Path write(Path dir, String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }
}
