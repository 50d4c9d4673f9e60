package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server (Debian's redis-server package) on a free loopback port, with a password. */
public final class RedisServer implements AutoCloseable {
    private final Path root;
    private final int port;
    private final String password;
    private final List<String> settings;
    private Process process;

    public RedisServer(String password) {
        this(password, List.of());
    }

    /**
     * With further redis-server settings after the defaults, which they override, e.g.
     * {@code List.of("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")}.
     */
    public RedisServer(String password, List<String> settings) {
        this.root = Processes.openTempDir("redis-test-");
        this.port = FreePort.find();
        this.password = password;
        this.settings = List.copyOf(settings);
    }

    public synchronized RedisServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> command = new java.util.ArrayList<>(List.of(executable(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--requirepass", password, "--dir", root.toString(), "--save", "", "--appendonly", "yes",
                "--daemonize", "no", "--logfile", root.resolve("redis.log").toString()));
        command.addAll(settings);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (apt-get install redis-server)", e);
        }
        StopOnExit.started(this);
        Processes.waitForPort(port, Duration.ofSeconds(20));
        return this;
    }

    /** Stops the server; data written with AOF comes back on the next {@link #start()}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /**
     * {@code kill -9}: Redis gets no chance to write anything more; {@link #start()} then brings back, on the same port,
     * what its append-only file holds (with appendfsync everysec, at most about the last second is missing).
     */
    public synchronized void kill() {
        if (process != null) {
            try {
                process.destroyForcibly().waitFor(); // SIGKILL on Linux
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /**
     * Freezes the process ({@code SIGSTOP}): connections stay open and commands get no answer, as in a network
     * partition; {@link #resume()} lets it answer again.
     */
    public synchronized void pause() {
        signal("-STOP");
    }

    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server is not running");
        }
        Processes.run(Duration.ofSeconds(10), List.of("kill", signal, String.valueOf(process.pid())));
    }

    @Override
    public void close() {
        StopOnExit.closed(this);
        resumeIfPaused();
        stop();
        Processes.deleteRecursively(root);
    }

    private void resumeIfPaused() {
        if (process != null && process.isAlive()) {
            Processes.run(Duration.ofSeconds(10), List.of("kill", "-CONT", String.valueOf(process.pid())));
        }
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** Connection URI in the form the Quarkus Redis client takes for quarkus.redis.hosts. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Runs a redis-cli command against this server and returns its output. */
    public String cli(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port), "--no-auth-warning", "-a", password));
        command.addAll(List.of(args));
        return Processes.run(Duration.ofSeconds(20), command).trim();
    }

    /** A field of {@code INFO}, e.g. {@code info("used_memory")}. */
    public String info(String field) {
        return cli("INFO").lines().filter(line -> line.startsWith(field + ":")).map(line -> line.substring(field.length() + 1).strip())
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no INFO field " + field));
    }

    private static String executable() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "redis-server";
    }
}
