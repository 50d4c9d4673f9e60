package dev.linkstack.bench;

import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The JVM the benchmark runs the packaged services on: Java 25 with the AOT cache, as the container images do, when
 * that JDK is installed (BENCH_JAVA25_HOME, default Temurin 25's Debian path); otherwise the benchmark's own JVM with
 * the AppCDS archive of the packaging build, and the run says so. The JDK 17 + AppCDS form is measured beside it.
 */
final class ServiceJvm {
    static final Path JAVA_25 = Path.of(System.getenv().getOrDefault("BENCH_JAVA25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"));

    private ServiceJvm() {
    }

    /** Whether the Java 25 JDK is there. */
    static boolean java25() {
        return Files.isExecutable(JAVA_25.resolve("bin/java"));
    }

    /** The JVM build on Java 25 when installed, else unchanged (this JVM); prints which, once per caller. */
    static PackagedService of(PackagedService jar) {
        if (java25()) {
            return jar.withJava(JAVA_25);
        }
        System.out.println("  no JDK 25 at " + JAVA_25 + " (BENCH_JAVA25_HOME): " + jar + " runs on this JVM, "
                + Runtime.version().feature() + ", with AppCDS; no AOT cache measured");
        return jar;
    }

    /**
     * A training run for the AOT cache, with the JDK and options of the measured runs: the service starts with
     * -XX:AOTCacheOutput, serves {@code workload}, and is stopped (SIGTERM, as a container stop); the JVM writes the
     * cache next to the jar as it exits. Quarkus' own training (quarkus.package.jar.aot) needs a JDK 25 build or the
     * integration tests; this one runs the packaged jar the benchmark measures. Returns the training's wall time.
     */
    static long train(PackagedService jar, String name, Map<String, String> env, Consumer<ServiceProcess> workload) throws Exception {
        if (jar.javaFeatureVersion() < PackagedService.AOT_CACHE_JDK) {
            return 0;
        }
        Path cache = jar.aotCache();
        try {
            // A cache of an earlier jar would be refused at each start; one copied with the build from elsewhere
            // would load the classes of the directory it was recorded in.
            Files.deleteIfExists(cache);
            if (Files.isRegularFile(jar.jvmOptions()) && Files.readAllLines(jar.jvmOptions()).stream()
                    .anyMatch(line -> !line.strip().startsWith("#") && line.contains("-XX:SharedArchiveFile"))) {
                // An older build whose jvm.options name its AppCDS archive: the JVM cannot record a cache beside it.
                System.out.println("  no AOT cache for " + name + ": its jvm.options name an AppCDS archive");
                return 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long start = System.nanoTime();
        ServiceProcess training = Support.launch(jar.recordingAotCache(), name + "-aot-training", env);
        try {
            Support.awaitOk(training.process(), training.baseUrl() + "/q/health/ready", start, Duration.ofSeconds(180), training.log());
            workload.accept(training);
        } catch (RuntimeException e) {
            training.close();
            throw e;
        }
        // Writing the cache (a second JVM assembles it) takes seconds to tens of seconds on a loaded machine.
        training.terminate(Duration.ofMinutes(3));
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the training run wrote no " + cache + ":\n" + training.log());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("  AOT cache of %s: %.0f MB, training run %.1f s%n", name, Files.size(cache) / 1e6, ms / 1000.0);
        return ms;
    }
}
