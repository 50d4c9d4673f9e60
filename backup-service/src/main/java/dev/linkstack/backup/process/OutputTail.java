package dev.linkstack.backup.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Drains a process stream on its own thread and keeps its end for the error report: the last bytes (pg_dump's
 * stderr) or the last lines, each also handed to a listener (a hook's output, logged as it arrives).
 */
final class OutputTail {
    private static final int BYTE_LIMIT = 16 * 1024;

    private final Thread thread;
    private final byte[] ring = new byte[BYTE_LIMIT];
    private long total;
    private final Deque<String> lines = new ArrayDeque<>();
    private final int lineLimit;

    private OutputTail(InputStream stream, String name, int lineLimit, Consumer<String> eachLine) {
        this.lineLimit = lineLimit;
        this.thread = new Thread(() -> {
            if (lineLimit > 0) {
                drainLines(stream, eachLine);
            } else {
                drainBytes(stream);
            }
        }, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Keeps the last 16 KiB. */
    static OutputTail bytes(InputStream stream, String name) {
        return new OutputTail(stream, name, 0, null);
    }

    /** Keeps the last {@code limit} lines and hands every line to {@code eachLine}. */
    static OutputTail lines(InputStream stream, String name, int limit, Consumer<String> eachLine) {
        return new OutputTail(stream, name, limit, eachLine);
    }

    private void drainBytes(InputStream stream) {
        byte[] buffer = new byte[4096];
        try (stream) {
            int read;
            while ((read = stream.read(buffer)) >= 0) {
                append(buffer, read);
            }
        } catch (IOException ignored) {
            // the process is gone; whatever arrived is kept
        }
    }

    private void drainLines(InputStream stream, Consumer<String> eachLine) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                eachLine.accept(line);
                synchronized (this) {
                    lines.addLast(line);
                    if (lines.size() > lineLimit) {
                        lines.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    private synchronized void append(byte[] buffer, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (total++ % ring.length)] = buffer[i];
        }
    }

    /** The collected text, trimmed; waits briefly for the stream to close so late lines are not lost. */
    String text() {
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (lineLimit > 0) {
                return String.join("\n", lines).strip();
            }
            int kept = (int) Math.min(total, ring.length);
            byte[] out = new byte[kept];
            long start = total - kept;
            for (int i = 0; i < kept; i++) {
                out[i] = ring[(int) ((start + i) % ring.length)];
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return total > ring.length ? "..." + text : text;
        }
    }
}
