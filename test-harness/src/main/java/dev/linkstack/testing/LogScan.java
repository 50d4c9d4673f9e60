package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Searches log files (rotated ones included) for secrets that must never be logged. */
public final class LogScan {

    /** One leaked secret: which (named, never printed in full) and where. */
    public record Leak(String secretName, Path file, int line) {
        @Override
        public String toString() {
            return secretName + " in " + file.getFileName() + ":" + line;
        }
    }

    public record Result(int files, long lines, List<Leak> leaks) {
    }

    /**
     * Credentials whose values no test knows: any API token ({@code lsk_} and at least 20 token characters) and any
     * JSON password field with a value (a logged request body).
     */
    public static final Map<String, Pattern> CREDENTIAL_PATTERNS = Map.of(
            "an API token", Pattern.compile("lsk_[A-Za-z0-9_-]{20,}"),
            "a password field", Pattern.compile("\"password\"\\s*:\\s*\""));

    private LogScan() {
    }

    /** Files named {@code baseName} or {@code baseName.*} (rotations) in {@code dir}. */
    public static List<Path> files(Path dir, String baseName) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().equals(baseName) || p.getFileName().toString().startsWith(baseName + "."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param secrets  name → literal value; values shorter than 6 characters are refused (they would match by chance)
     * @param patterns name → pattern of secrets whose values the caller does not know (e.g. any API token)
     */
    public static Result scan(Collection<Path> files, Map<String, String> secrets, Map<String, Pattern> patterns) {
        secrets.forEach((name, value) -> {
            if (value == null || value.length() < 6) {
                throw new IllegalArgumentException("secret '" + name + "' is too short to search for");
            }
        });
        List<Leak> leaks = new ArrayList<>();
        long lines = 0;
        for (Path file : files) {
            List<String> content;
            try {
                content = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < content.size(); i++) {
                String line = content.get(i);
                lines++;
                for (var secret : secrets.entrySet()) {
                    if (line.contains(secret.getValue())) {
                        leaks.add(new Leak(secret.getKey(), file, i + 1));
                    }
                }
                for (var pattern : patterns.entrySet()) {
                    Matcher matcher = pattern.getValue().matcher(line);
                    if (matcher.find()) {
                        leaks.add(new Leak(pattern.getKey(), file, i + 1));
                    }
                }
            }
        }
        return new Result(files.size(), lines, leaks);
    }
}
