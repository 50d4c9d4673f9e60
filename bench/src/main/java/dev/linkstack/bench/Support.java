package dev.linkstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Small helpers of the benchmark driver: HTTP, processes, /proc memory figures. */
final class Support {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private Support() {
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    static Reply send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET();
    }

    static HttpRequest.Builder postJson(String url, Object body) {
        try {
            return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code url} every 10 ms until it answers 200; returns the elapsed time since {@code startNanos}. */
    static long awaitOk(Process process, String url, long startNanos, Duration timeout, String log) {
        long deadline = startNanos + timeout.toNanos();
        HttpRequest request = get(url).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue() + ":\n" + log);
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.nanoTime() - startNanos;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Processes.sleep(10);
        }
        throw new IllegalStateException("not ready after " + timeout + ":\n" + log);
    }

    /**
     * A closed-loop client with a known number of requests: every request is answered before the next one on its
     * thread, so the count of 302s it saw is exact (unlike a time-bounded load generator that stops mid-flight).
     */
    static Map<Integer, Long> requestCodes(String baseUrl, List<String> codes, int requests, int threads) {
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = requests / threads + (t < requests % threads ? 1 : 0);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        String code = codes.get(ThreadLocalRandom.current().nextInt(codes.size()));
                        try {
                            int status = HTTP.send(get(baseUrl + "/" + code).timeout(Duration.ofSeconds(10)).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                            statuses.merge(status, 1L, Long::sum);
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new IllegalStateException("closed-loop client failed", e);
        } finally {
            pool.shutdownNow();
        }
        if (failures.get() > 0) {
            statuses.merge(-1, failures.get(), Long::sum);
        }
        return statuses;
    }

    /** Runs {@code bash -o pipefail -c script} with extra environment; returns its wall time in milliseconds. */
    static long timedShell(String script, Map<String, String> env, Duration timeout) {
        long start = System.nanoTime();
        shellOutput(script, env, timeout);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    static String shellOutput(String script, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-o", "pipefail", "-c", script).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + script);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + " from: " + script + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM). */
    static long procStatusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    /**
     * CPU time (user + system, all threads) a process has used so far, in ms, from /proc/PID/stat: unlike the wall
     * time to ready it hardly depends on what else the shared machine runs. Assumes the usual 100 clock ticks a second.
     */
    static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime and stime, fields 14 and 15
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resets the peak-RSS high-water mark (VmHWM) of a process (Linux: write 5 to clear_refs). */
    static void resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc", String.valueOf(pid), "clear_refs"), "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak RSS of " + pid + " (needs root or the same user)", e);
        }
    }

    /** Launches a packaged service (jar with its module's src/main/jvm/jvm.options, or the native executable), as production. */
    static ServiceProcess launch(PackagedService service, String name, Map<String, String> env) {
        return ServiceProcess.launch(service, name, env);
    }

    /** Launches a packaged jar with another application's JVM options (the floor under app-service's). */
    static ServiceProcess launch(PackagedService service, String name, Map<String, String> env, Path jvmOptions) {
        return ServiceProcess.launch(service, name, env, List.of(), jvmOptions);
    }

    /** The median of the ratios of several rounds (the mean of the middle two for an even number). */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
