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
 * A packaged service ({@link PackagedService}: the JVM build or the native executable) running as its own process
 * in the prod profile, configured only through its environment, the way a container runs it.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        StopOnExit.started(this);
    }

    /** Starts the service with the environment plus PORT (a free one unless given) and does not wait. */
    public static ServiceProcess launch(PackagedService service, String name, Map<String, String> environment) {
        return launch(service, name, environment, List.of());
    }

    /**
     * Like {@link #launch(PackagedService, String, Map)}, with a prefix that runs the process elsewhere, e.g.
     * {@code ip netns exec NS} (which execs the command, so signals reach the service itself).
     */
    public static ServiceProcess launch(PackagedService service, String name, Map<String, String> environment, List<String> launcher) {
        return launch(service, name, environment, launcher, service.jvmOptions());
    }

    /**
     * Like {@link #launch(PackagedService, String, Map, List)}, with the JVM options of another application, e.g. to
     * compare two applications under the same JVM settings (a native executable ignores them). Options that name
     * files (the AppCDS archive) resolve against this jar's directory; a file that is missing there is ignored.
     */
    public static ServiceProcess launch(PackagedService service, String name, Map<String, String> environment, List<String> launcher, Path jvmOptions) {
        Map<String, String> env = new HashMap<>(environment);
        int port = Integer.parseInt(env.computeIfAbsent("PORT", unset -> String.valueOf(FreePort.find())));
        try {
            Path log = Files.createTempFile(name + "-", ".log");
            List<String> command = new java.util.ArrayList<>(launcher);
            command.addAll(service.command(jvmOptions, List.of()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(service.workingDirectory().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            return new ServiceProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the service and waits until {@code /q/health/ready} answers 200. */
    public static ServiceProcess start(PackagedService service, String name, Map<String, String> environment) {
        ServiceProcess started = launch(service, name, environment);
        started.awaitReady(Duration.ofSeconds(90));
        return started;
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
        StopOnExit.closed(this);
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
