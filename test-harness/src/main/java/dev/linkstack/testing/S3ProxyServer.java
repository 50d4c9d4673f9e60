package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server: S3Proxy (org.gaul:s3proxy, the jar-with-dependencies) storing objects in a
 * temporary directory through jclouds' filesystem provider, run as its own JVM on a free loopback port.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "local-access-key";
    public static final String SECRET_KEY = "local-secret-key";

    private final Path jar;
    private final Path root;
    private final int port;
    private Process process;

    public S3ProxyServer(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " missing: the build copies org.gaul:s3proxy:jar-with-dependencies there");
        }
        this.jar = jar;
        this.root = Processes.openTempDir("s3proxy-");
        this.port = FreePort.find();
    }

    public synchronized S3ProxyServer start() {
        try {
            Path data = Files.createDirectories(root.resolve("data"));
            Path properties = root.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data) + "\n");
            process = new ProcessBuilder(List.of(PackagedService.javaExecutable(), "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString()))
                    .redirectErrorStream(true).redirectOutput(root.resolve("s3proxy.log").toFile()).start();
            Processes.waitForPort(port, Duration.ofSeconds(60));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The directory holding the buckets (one folder each), to look at what really is stored. */
    public Path dataDir() {
        return root.resolve("data");
    }

    /** Stops the server at once (SIGKILL), as a crash or a cut network would. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String log() {
        try {
            return Files.readString(root.resolve("s3proxy.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        kill();
        Processes.deleteRecursively(root);
    }
}
