package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the package phase made of a service module, started the way its container image starts it: the JVM build
 * ({@code java @jvm.options -jar quarkus-run.jar} in {@code target/quarkus-app}) or the native executable
 * ({@code target/*-runner}). Which one the tests use is the system property {@value #PROPERTY} ({@code jvm} unless
 * the build is native: {@code -Dnative} sets it to {@code native}), so one test runs against either artifact.
 */
public final class PackagedService {
    /** System property naming the artifact the tests start: {@code jvm} (default) or {@code native}. */
    public static final String PROPERTY = "linkstack.packaging";
    /** The JVM options file of a packaged application, a {@code java @file} argument file. */
    public static final String JVM_OPTIONS = "jvm.options";

    private final Path module;
    private final boolean nativeExecutable;
    /** The JVM build's {@code quarkus-app} directory: {@code target/quarkus-app} of the module, or a copy elsewhere. */
    private final Path quarkusApp;

    private PackagedService(Path module, boolean nativeExecutable) {
        this.module = module.toAbsolutePath().normalize();
        this.nativeExecutable = nativeExecutable;
        this.quarkusApp = this.module.resolve("target/quarkus-app");
    }

    private PackagedService(Path quarkusApp) {
        this.quarkusApp = quarkusApp.toAbsolutePath().normalize();
        this.module = this.quarkusApp.getParent();
        this.nativeExecutable = false;
    }

    /** The artifact of the module the tests are configured for (see {@link #PROPERTY}). */
    public static PackagedService of(Path module) {
        String packaging = System.getProperty(PROPERTY, "jvm");
        return switch (packaging) {
            case "jvm" -> jvm(module);
            case "native" -> nativeExecutable(module);
            default -> throw new IllegalArgumentException(PROPERTY + " must be jvm or native, not " + packaging);
        };
    }

    public static PackagedService jvm(Path module) {
        return new PackagedService(module, false);
    }

    public static PackagedService nativeExecutable(Path module) {
        return new PackagedService(module, true);
    }

    /**
     * A JVM build kept outside its module (e.g. an earlier build of app-service copied aside): its {@code quarkus-app}
     * directory or the {@code quarkus-run.jar} in it, started with the {@value #JVM_OPTIONS} packaged next to the jar.
     */
    public static PackagedService jvmBuildAt(Path quarkusAppOrJar) {
        Path dir = Files.isDirectory(quarkusAppOrJar) ? quarkusAppOrJar : quarkusAppOrJar.toAbsolutePath().getParent();
        return new PackagedService(dir);
    }

    /** Whether the native build of the module exists (bench/run measures it only then). */
    public static boolean nativeBuilt(Path module) {
        return findRunner(module.toAbsolutePath().resolve("target")) != null;
    }

    /** "native" or "jvm", for logs and reports. */
    public String label() {
        return nativeExecutable ? "native" : "jvm";
    }

    /** The jar or the executable; fails with a hint when the module has not been packaged that way. */
    public Path artifact() {
        Path target = module.resolve("target");
        if (nativeExecutable) {
            Path runner = findRunner(target);
            if (runner == null) {
                throw new IllegalStateException("no native executable in " + target + ": build with -Dnative first");
            }
            return runner;
        }
        Path jar = quarkusApp.resolve("quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: run the package phase first");
        }
        return jar;
    }

    /** The JVM options file the JVM build runs with (src/main/jvm/jvm.options, packaged next to the jar). */
    public Path jvmOptions() {
        return quarkusApp.resolve(JVM_OPTIONS);
    }

    /** Where the service runs: the jar's directory (its AppCDS archive path is relative), or target/. */
    public Path workingDirectory() {
        return artifact().getParent();
    }

    /** The command line that runs the artifact with these arguments. */
    public List<String> command(List<String> arguments) {
        return command(jvmOptions(), Map.of(), arguments);
    }

    /** The command line with Java system properties set for this run (before -jar, or first for the executable). */
    public List<String> command(Map<String, String> systemProperties, List<String> arguments) {
        return command(jvmOptions(), systemProperties, arguments);
    }

    /**
     * The command line with the JVM options of another application (e.g. to compare two applications under the same
     * JVM settings); a native executable has none and ignores them.
     */
    public List<String> command(Path jvmOptions, List<String> arguments) {
        return command(jvmOptions, Map.of(), arguments);
    }

    private List<String> command(Path jvmOptions, Map<String, String> systemProperties, List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (nativeExecutable) {
            command.add(artifact().toString());
        } else {
            if (!Files.exists(jvmOptions)) {
                throw new IllegalStateException(jvmOptions.toAbsolutePath() + " missing: run the package phase first");
            }
            command.addAll(List.of(javaExecutable(), "@" + jvmOptions.toAbsolutePath()));
        }
        systemProperties.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).sorted().forEach(command::add);
        if (!nativeExecutable) {
            command.addAll(List.of("-jar", artifact().toString()));
        }
        command.addAll(arguments);
        return command;
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path findRunner(Path target) {
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner") && Files.isExecutable(p) && Files.isRegularFile(p))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return label() + " build of " + module.getFileName();
    }
}
