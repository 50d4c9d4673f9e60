package dev.linkstack.backup.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a process stream on its own thread and keeps its last bytes, e.g. pg_dump's stderr for the error report. */
public final class OutputTail {
    private static final int DEFAULT_LIMIT = 16 * 1024;

    private final byte[] ring;
    private long total;
    private final Thread thread;

    private OutputTail(InputStream stream, String name, int limit) {
        this.ring = new byte[limit];
        this.thread = new Thread(() -> drain(stream), name);
        this.thread.setDaemon(true);
    }

    public static OutputTail start(InputStream stream, String name) {
        OutputTail tail = new OutputTail(stream, name, DEFAULT_LIMIT);
        tail.thread.start();
        return tail;
    }

    private void drain(InputStream stream) {
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

    private synchronized void append(byte[] buffer, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (total++ % ring.length)] = buffer[i];
        }
    }

    /** The collected text, trimmed; waits briefly for the stream to close so late lines are not lost. */
    public String text() {
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
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
