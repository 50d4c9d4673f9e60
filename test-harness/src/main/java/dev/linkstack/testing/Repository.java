package dev.linkstack.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, for tests and tools that start its modules' packaged services or read its files. */
public final class Repository {
    /** System property with the repository root (set by the modules' test plugins). */
    public static final String ROOT_PROPERTY = "repository.root";

    private Repository() {
    }

    /** {@value #ROOT_PROPERTY} if set, otherwise the nearest ancestor of the working directory holding {@code mvnw}. */
    public static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.exists(candidate.resolve("mvnw"))) {
                return candidate;
            }
        }
        return dir;
    }

    /** A module's directory, e.g. {@code module("app-service")}. */
    public static Path module(String name) {
        return root().resolve(name);
    }
}
