package dev.linkstack.testing;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Servers still running when the JVM exits - a benchmark or test run interrupted with Ctrl-C, ended by a timeout's
 * SIGTERM, or failing before its own clean-up - are closed by one shutdown hook, newest first, and any process the
 * JVM started and still has is then ended: an interrupted run leaves no PostgreSQL, Redis, Nginx or service behind.
 * (PostgreSQL runs detached from the JVM, through pg_ctl, so only its own close stops it.) A SIGKILL of the JVM
 * cannot be caught.
 */
public final class StopOnExit {
    private static final Deque<AutoCloseable> RUNNING = new ConcurrentLinkedDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(StopOnExit::stopAll, "stop-servers-on-exit"));
    }

    private StopOnExit() {
    }

    /** A server just started; its {@code close} must stop it. */
    static void started(AutoCloseable server) {
        RUNNING.remove(server); // started again after a stop: once is enough
        RUNNING.push(server);
    }

    /** A server closed by its owner. */
    static void closed(AutoCloseable server) {
        RUNNING.remove(server);
    }

    private static void stopAll() {
        for (AutoCloseable server; (server = RUNNING.poll()) != null; ) {
            try {
                server.close();
            } catch (Exception | Error e) {
                System.err.println("could not stop " + server + " on exit: " + e);
            }
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy); // wrk, pg_dump, ...
        ProcessHandle.current().descendants().forEach(process -> {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        });
    }
}
