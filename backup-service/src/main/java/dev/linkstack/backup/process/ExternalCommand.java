package dev.linkstack.backup.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Every child process of the service (pg_dump, pg_dumpall, pg_restore, psql, hooks, version probes) goes through
 * here: started with stdin from /dev/null unless fed, stderr drained into a bounded tail, and one watchdog that kills
 * the whole process tree when the time limit passes — so a hung child can never block the caller past its timeout,
 * however the caller reads or writes its streams.
 */
public final class ExternalCommand {
    private static final int SIGNAL_EXIT_BASE = 128;
    private static final Set<Running> RUNNING = ConcurrentHashMap.newKeySet();

    private final String name;
    private final ProcessBuilder builder;
    private Duration timeout;
    private boolean feedStdin;
    private boolean discardStdout;
    private int outputLines;
    private Consumer<String> eachLine;

    private ExternalCommand(String name, ProcessBuilder builder) {
        this.name = name;
        this.builder = builder;
    }

    /** {@code name} is how messages call the program (e.g. "pg_dump"). */
    public static ExternalCommand of(String name, ProcessBuilder builder) {
        return new ExternalCommand(name, builder);
    }

    /** Killed with its children when it runs longer than this. */
    public ExternalCommand timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** The caller writes the program's input to {@link Running#stdin()}; otherwise stdin is /dev/null. */
    public ExternalCommand feedStdin() {
        this.feedStdin = true;
        return this;
    }

    public ExternalCommand discardStdout() {
        this.discardStdout = true;
        return this;
    }

    /** stdout and stderr as one stream of lines, each handed to {@code eachLine}; the report keeps the last {@code keep}. */
    public ExternalCommand mergedOutputLines(int keep, Consumer<String> eachLine) {
        this.outputLines = keep;
        this.eachLine = eachLine;
        return this;
    }

    /** The program as it will be started, e.g. for messages. */
    public String executable() {
        return builder.command().get(0);
    }

    public Running start() throws IOException {
        if (!feedStdin) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        if (discardStdout) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        builder.redirectErrorStream(outputLines > 0);
        Process process = builder.start();
        OutputTail tail = outputLines > 0
                ? OutputTail.lines(process.getInputStream(), name + "-output", outputLines, eachLine)
                : OutputTail.bytes(process.getErrorStream(), name + "-stderr");
        Running running = new Running(this, process, tail);
        RUNNING.add(running);
        return running;
    }

    /** Stops every child still running (the service shuts down); their callers see them fail. */
    public static void stopAll() {
        RUNNING.forEach(Running::kill);
    }

    /** "exit code 1", or "killed by signal 9" for the shell's 128+n convention. */
    public static String describeExit(int code) {
        if (code > SIGNAL_EXIT_BASE && code < SIGNAL_EXIT_BASE + 64) {
            return "killed by signal " + (code - SIGNAL_EXIT_BASE);
        }
        return "exit code " + code;
    }

    private static ScheduledExecutorService watchdog() {
        return Watchdog.EXECUTOR;
    }

    /** One thread for every time limit of every child, created on first use. */
    private static final class Watchdog {
        static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "process-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A started program; closing it stops the watchdog and kills what is still running. */
    public static final class Running implements AutoCloseable {
        private final ExternalCommand command;
        private final Process process;
        private final OutputTail tail;
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final ScheduledFuture<?> deadline;
        private final long startedNanos = System.nanoTime();

        private Running(ExternalCommand command, Process process, OutputTail tail) {
            this.command = command;
            this.process = process;
            this.tail = tail;
            this.deadline = command.timeout == null ? null : watchdog().schedule(() -> {
                timedOut.set(true);
                kill();
            }, command.timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public InputStream stdout() {
            return process.getInputStream();
        }

        public OutputStream stdin() {
            return process.getOutputStream();
        }

        /** True once the watchdog stopped the program. */
        public boolean timedOut() {
            return timedOut.get();
        }

        /** Kills the program and everything it started. */
        public void kill() {
            // The root first: killed after its children, a shell could still run its next line (and write output)
            // in between. Its children are known from before, so they are found after they are orphaned too.
            List<ProcessHandle> children = process.descendants().toList();
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }

        /**
         * Asks the program to end (SIGTERM, so it can finish what it writes), and kills it with its children when it
         * has not ended within {@code grace}.
         */
        public void stop(Duration grace) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }

        /** The operating system's id of the program. */
        public long pid() {
            return process.pid();
        }

        /** Waits for the program to end (the watchdog bounds the wait) and reports how it ended. */
        public Exit await() throws InterruptedException {
            try {
                int code = process.waitFor();
                return new Exit(command.name, code, timedOut.get(), command.timeout, tail.text(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
            } catch (InterruptedException e) {
                kill();
                throw e;
            }
        }

        @Override
        public void close() {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (process.isAlive()) {
                kill();
            }
            RUNNING.remove(this);
        }
    }

    /** How a program ended: its exit code, whether the watchdog stopped it, and the end of its output. */
    public record Exit(String name, int code, boolean timedOut, Duration timeout, String output, long durationMillis) {
        public boolean ok() {
            return !timedOut && code == 0;
        }

        /** "exit code 1", "killed by signal 9". */
        public String describeCode() {
            return describeExit(code);
        }

        /** ": <output>", or nothing when the program said nothing; appended to error messages. */
        public String outputSuffix() {
            return output.isEmpty() ? "" : ": " + output;
        }

        /** "<name> did not finish within <timeout> and was stopped". */
        public String timeoutMessage() {
            return name + " did not finish within " + timeout + " and was stopped";
        }
    }
}
