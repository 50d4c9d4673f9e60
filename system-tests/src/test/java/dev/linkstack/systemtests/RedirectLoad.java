package dev.linkstack.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded redirect load: a fixed number of workers, each sending GET /{code} back to back over kept-alive
 * connections, spreading requests over the given codes. Counts every answer by status, and every request that got
 * no answer, so a fault test can compare 302s with stored clicks exactly.
 */
final class RedirectLoad implements AutoCloseable {
    record Result(long sent, long redirects, Map<Integer, Long> otherStatuses, long noAnswer) {
        long failures() {
            return sent - redirects;
        }

        double failureRate() {
            return sent == 0 ? 0 : (double) failures() / sent;
        }

        @Override
        public String toString() {
            return sent + " sent, " + redirects + " redirects, other statuses " + otherStatuses + ", no answer " + noAnswer;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();
    private final String baseUrl;
    private final List<String> codes;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder redirects = new LongAdder();
    private final LongAdder noAnswer = new LongAdder();
    private final Map<Integer, LongAdder> otherStatuses = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();

    RedirectLoad(String baseUrl, List<String> codes, int workerCount) {
        this.baseUrl = baseUrl;
        this.codes = List.copyOf(codes);
        for (int i = 0; i < workerCount; i++) {
            Thread worker = new Thread(this::work, "redirect-load-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private void work() {
        while (running.get()) {
            String code = codes.get((int) (sequence.getAndIncrement() % codes.size()));
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/" + code)).timeout(Duration.ofSeconds(10)).GET().build();
            sent.increment();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 302) {
                    redirects.increment();
                } else {
                    otherStatuses.computeIfAbsent(status, unused -> new LongAdder()).increment();
                }
            } catch (IOException e) {
                noAnswer.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops sending, waits for the answers in flight and returns the counts. */
    Result stop() throws InterruptedException {
        running.set(false);
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(30).toMillis());
        }
        Map<Integer, Long> others = new TreeMap<>();
        otherStatuses.forEach((status, count) -> others.put(status, count.sum()));
        return new Result(sent.sum(), redirects.sum(), others, noAnswer.sum());
    }

    /** Answers so far, for progress checks while the load runs. */
    long sentSoFar() {
        return sent.sum();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
