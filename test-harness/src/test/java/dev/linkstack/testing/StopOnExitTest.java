package dev.linkstack.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run interrupted by SIGTERM (a timeout, Ctrl-C is the same hook) leaves none of its servers running. */
class StopOnExitTest {

    @Test
    void aJvmEndedBySigtermStopsThePostgresAndRedisItStarted() throws Exception {
        Path log = Files.createTempFile("stop-on-exit-", ".log");
        Process child = new ProcessBuilder(PackagedService.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                Child.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String running = null;
        for (int i = 0; i < 600 && running == null && child.isAlive(); i++) {
            Thread.sleep(100);
            running = Files.readAllLines(log).stream().filter(line -> line.startsWith("running ")).findFirst().orElse(null);
        }
        assertTrue(running != null, "the child never reported its servers:\n" + Files.readString(log));
        String[] pids = running.split(" ");
        long redisPid = Long.parseLong(pids[1]);
        long postmasterPid = Long.parseLong(pids[2]);
        assertTrue(alive(redisPid) && alive(postmasterPid), "both servers run before the signal");

        child.destroy(); // SIGTERM, as timeout(1) sends
        assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the JVM exits once its servers are stopped");
        for (int i = 0; i < 50 && (alive(redisPid) || alive(postmasterPid)); i++) {
            Thread.sleep(100);
        }
        assertFalse(alive(redisPid), "redis-server left running");
        assertFalse(alive(postmasterPid), "PostgreSQL (detached through pg_ctl) left running");
        Files.delete(log);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Starts PostgreSQL and Redis, never closes them, and waits to be killed. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            RedisServer redis = new RedisServer("secret", List.of()).start();
            PostgresServer postgres = PostgresServer.installed().start();
            Path pidFile = postgres.dataDir().resolve("postmaster.pid");
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            long redisPid = ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("redis"))
                    .findFirst().orElseThrow().pid();
            System.out.println("running " + redisPid + " " + postmaster);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
