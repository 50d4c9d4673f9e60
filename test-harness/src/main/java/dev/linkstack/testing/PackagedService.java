package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the package phase made of a service module, started the way its container image starts it: the JVM build
 * ({@code java @jvm.options -jar quarkus-run.jar} in {@code target/quarkus-app}) or the native executable
 * ({@code target/*-runner}). Which one the tests use is the system property {@value #PROPERTY} ({@code jvm} unless
 * the build is native: {@code -Dnative} sets it to {@code native}), so one test runs against either artifact.
 * The JVM build runs on this JVM unless {@link #withJava} names another JDK; the class archive it adds after the JVM
 * options depends on that JDK's version ({@link #archiveOptions}).
 */
public final class PackagedService {
    /** System property naming the artifact the tests start: {@code jvm} (default) or {@code native}. */
    public static final String PROPERTY = "linkstack.packaging";
    /** The JVM options file of a packaged application, a {@code java @file} argument file. */
    public static final String JVM_OPTIONS = "jvm.options";
    /** JDK 17-24: the AppCDS archive the packaging build records (quarkus.package.jar.appcds.enabled). */
    public static final String APPCDS_ARCHIVE = "app-cds.jsa";
    /** JDK 25+: the AOT cache (JEP 483/515) a training run records with that JDK (bench/run, the images' build). */
    public static final String AOT_CACHE = "app.aot";
    /** The first JDK whose AOT cache (with method profiles) replaces AppCDS; the two options cannot be given together. */
    public static final int AOT_CACHE_JDK = 25;

    private final Path module;
    private final boolean nativeExecutable;
    /** The JVM build's {@code quarkus-app} directory: {@code target/quarkus-app} of the module, or a copy elsewhere. */
    private final Path quarkusApp;
    /** The JDK that runs the JVM build. */
    private final Path javaHome;
    /** Whether this run records the AOT cache at exit instead of reading it. */
    private final boolean recordAotCache;

    private PackagedService(Path module, boolean nativeExecutable, Path quarkusApp, Path javaHome, boolean recordAotCache) {
        this.module = module;
        this.nativeExecutable = nativeExecutable;
        this.quarkusApp = quarkusApp;
        this.javaHome = javaHome;
        this.recordAotCache = recordAotCache;
    }

    private PackagedService(Path module, boolean nativeExecutable) {
        this(module.toAbsolutePath().normalize(), nativeExecutable, module.toAbsolutePath().normalize().resolve("target/quarkus-app"),
                Path.of(System.getProperty("java.home")), false);
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
        Path dir = (Files.isDirectory(quarkusAppOrJar) ? quarkusAppOrJar : quarkusAppOrJar.toAbsolutePath().getParent()).toAbsolutePath().normalize();
        return new PackagedService(dir.getParent(), false, dir, Path.of(System.getProperty("java.home")), false);
    }

    /** The same build run by the JDK at {@code javaHome} (its bin/java), with that JDK's class archive. */
    public PackagedService withJava(Path javaHome) {
        return new PackagedService(module, nativeExecutable, quarkusApp, javaHome.toAbsolutePath().normalize(), recordAotCache);
    }

    /** A training run: the JVM writes the AOT cache ({@value #AOT_CACHE}) when the process exits (JDK 25+ only). */
    public PackagedService recordingAotCache() {
        if (javaFeatureVersion() < AOT_CACHE_JDK) {
            throw new IllegalStateException(javaHome + " is older than JDK " + AOT_CACHE_JDK + ": no AOT cache with profiles");
        }
        return new PackagedService(module, nativeExecutable, quarkusApp, javaHome, true);
    }

    /** The feature version of the JDK that runs the JVM build (17, 25, ...), from its {@code release} file. */
    public int javaFeatureVersion() {
        if (javaHome.equals(Path.of(System.getProperty("java.home")))) {
            return Runtime.version().feature();
        }
        try {
            String release = Files.readString(javaHome.resolve("release"));
            Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(release);
            if (!version.find()) {
                throw new IllegalStateException("no JAVA_VERSION in " + javaHome.resolve("release"));
            }
            return Integer.parseInt(version.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException("not a JDK: " + javaHome, e);
        }
    }

    /**
     * The class archive options for this JDK, after the JVM options: JDK 17-24 the AppCDS archive (the JVM ignores a
     * missing one and refuses, with a warning, one from another JVM build); JDK 25+ the AOT cache when a training run
     * recorded it (none otherwise: a missing cache is an error message at each start), or the option that records it.
     */
    public List<String> archiveOptions() {
        if (nativeExecutable) {
            return List.of();
        }
        if (recordAotCache) {
            return List.of("-XX:AOTCacheOutput=" + AOT_CACHE);
        }
        if (javaFeatureVersion() < AOT_CACHE_JDK) {
            return List.of("-XX:SharedArchiveFile=" + APPCDS_ARCHIVE);
        }
        return hasAotCache() ? List.of("-XX:AOTCache=" + AOT_CACHE) : List.of();
    }

    /** Whether a training run left an AOT cache next to the jar. */
    public boolean hasAotCache() {
        return Files.isRegularFile(quarkusApp.resolve(AOT_CACHE));
    }

    /** The AOT cache next to the jar (recorded there by a training run). */
    public Path aotCache() {
        return quarkusApp.resolve(AOT_CACHE);
    }

    /** Whether a run reads an AOT cache: JDK 25+ and a cache recorded next to the jar. */
    public boolean readsAotCache() {
        return !nativeExecutable && !recordAotCache && javaFeatureVersion() >= AOT_CACHE_JDK && hasAotCache();
    }

    /** "JVM 17, AppCDS", "JVM 25, AOT cache", "JVM 25, no AOT cache" or "native": which JVM and class archive a run uses. */
    public String jvmLabel() {
        if (nativeExecutable) {
            return "native";
        }
        int feature = javaFeatureVersion();
        return "JVM " + feature + ", " + (feature < AOT_CACHE_JDK ? "AppCDS" : hasAotCache() ? "AOT cache" : "no AOT cache");
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

    /** Where the service runs: the jar's directory (its class archive's path is relative), or target/. */
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
            command.addAll(List.of(javaHome.resolve("bin/java").toString(), "@" + jvmOptions.toAbsolutePath()));
            command.addAll(archiveOptions());
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
