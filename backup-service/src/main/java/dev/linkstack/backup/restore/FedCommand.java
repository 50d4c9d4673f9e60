package dev.linkstack.backup.restore;

import dev.linkstack.backup.process.ExternalCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * psql or pg_restore fed from a backup file on its stdin (decrypted and decompressed on the way), under the
 * configured time limit. If the file cannot be read to its end, the program is killed before its stdin closes: at end
 * of input psql would commit what it got so far.
 */
final class FedCommand {
    private static final int BUFFER = 64 * 1024;

    /** Opens the bytes to feed; null when the program reads its input file itself. */
    interface Source {
        InputStream open() throws IOException;
    }

    /** How the program ended, and why its input could not be read to the end (null when it could). */
    record Outcome(ExternalCommand.Exit exit, IOException feedError) {
    }

    private FedCommand() {
    }

    static Outcome run(String tool, ProcessBuilder builder, Duration timeout, Source source) throws IOException, InterruptedException {
        ExternalCommand.Running running = ExternalCommand.of(tool, builder).timeout(timeout).discardStdout().feedStdin().start();
        try (running) {
            AtomicReference<IOException> feedError = new AtomicReference<>();
            Thread feeder = new Thread(() -> feed(source, running, feedError), tool + "-feeder");
            feeder.setDaemon(true);
            feeder.start();
            ExternalCommand.Exit exit = running.await();
            feeder.join(10_000);
            return new Outcome(exit, feedError.get());
        }
    }

    private static void feed(Source source, ExternalCommand.Running running, AtomicReference<IOException> error) {
        OutputStream stdin = running.stdin();
        try {
            if (source == null) {
                return;
            }
            try (InputStream input = source.open()) {
                byte[] buffer = new byte[BUFFER];
                int read;
                while ((read = input.read(buffer)) >= 0) {
                    if (!writeTo(stdin, buffer, read)) {
                        return; // the program stopped at an error and closed its stdin; its exit code tells why
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Kill before stdin closes: at end of input psql would commit what it got so far.
                running.kill();
                error.set(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
            }
        } finally {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // the program is already gone
            }
        }
    }

    private static boolean writeTo(OutputStream stdin, byte[] buffer, int length) {
        try {
            stdin.write(buffer, 0, length);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
