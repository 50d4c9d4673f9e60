package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real nginx (Debian's nginx package) in the foreground, running a configuration written for the test. */
public final class NginxServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    /**
     * A working directory for the config, logs and temp files, writable by nginx's worker user (nobody when
     * the master runs as root), and a free port for the config to listen on.
     */
    public NginxServer() {
        this.dir = Processes.openTempDir("nginx-test-");
        this.dir.toFile().setWritable(true, false);
        this.port = FreePort.find();
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public NginxServer start(String config) {
        try {
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, config);
            Processes.run(Duration.ofSeconds(30), List.of(executable(), "-t", "-c", file.toString()));
            process = new ProcessBuilder(executable(), "-c", file.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx (apt-get install nginx)", e);
        }
        StopOnExit.started(this);
        Processes.waitForPort(port, Duration.ofSeconds(20));
        return this;
    }

    public String file(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        StopOnExit.closed(this);
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Processes.deleteRecursively(dir);
    }

    private static String executable() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }
}
