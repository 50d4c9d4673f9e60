package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar}) running as its own process in the
 * prod profile, configured only through its environment, the way a container runs it: from the quarkus-app
 * directory, with the JVM options packaged next to the jar ({@value #JVM_OPTIONS}, from the module's
 * {@code src/main/jvm}) that the container image uses too.
 */
public final class QuarkusJarProcess implements AutoCloseable {
    /** The JVM options file of a packaged application, a {@code java @file} argument file. */
    public static final String JVM_OPTIONS = "jvm.options";

    private final Process process;
    private final Path log;
    private final int port;

    private QuarkusJarProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the jar with the environment plus PORT (a free one unless given) and does not wait. */
    public static QuarkusJarProcess launch(Path jar, String name, Map<String, String> environment) {
        return launch(jar, name, environment, List.of());
    }

    /**
     * Like {@link #launch(Path, String, Map)}, with a prefix that runs the JVM elsewhere, e.g. {@code ip netns exec NS}
     * (which execs the command, so signals reach the JVM itself).
     */
    public static QuarkusJarProcess launch(Path jar, String name, Map<String, String> environment, List<String> launcher) {
        return launch(jar, name, environment, launcher, jar.resolveSibling(JVM_OPTIONS));
    }

    /**
     * Like {@link #launch(Path, String, Map, List)}, with the JVM options of another application, e.g. to compare two
     * applications under the same JVM settings. Options that name files (the AppCDS archive) resolve against this
     * jar's directory; a file that is missing there is ignored by the JVM.
     */
    public static QuarkusJarProcess launch(Path jar, String name, Map<String, String> environment, List<String> launcher, Path jvmOptions) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " missing: run the package phase first");
        }
        if (!Files.exists(jvmOptions)) {
            throw new IllegalStateException(jvmOptions.toAbsolutePath() + " missing: run the package phase first");
        }
        Map<String, String> env = new HashMap<>(environment);
        int port = Integer.parseInt(env.computeIfAbsent("PORT", unset -> String.valueOf(FreePort.find())));
        try {
            Path log = Files.createTempFile(name + "-", ".log");
            List<String> command = new java.util.ArrayList<>(launcher);
            command.addAll(List.of(javaExecutable(), "@" + jvmOptions.toAbsolutePath(), "-jar", jar.getFileName().toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(jar.toAbsolutePath().getParent().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            return new QuarkusJarProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the jar and waits until {@code /q/health/ready} answers 200. */
    public static QuarkusJarProcess start(Path jar, String name, Map<String, String> environment) {
        QuarkusJarProcess started = launch(jar, name, environment);
        started.awaitReady(Duration.ofSeconds(90));
        return started;
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, as a container runtime sends on stop; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("process did not stop within " + timeout + "\n" + log());
        }
        return process.exitValue();
    }

    public void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Processes.sleep(200);
        }
        throw new IllegalStateException("not ready after " + timeout + ":\n" + log());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
