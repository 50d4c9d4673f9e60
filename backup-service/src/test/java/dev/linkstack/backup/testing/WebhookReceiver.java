package dev.linkstack.backup.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP server on loopback (the JDK's) that records every request it gets, standing in for a webhook
 * receiver and a dead man's switch. It can be told to answer 500 to the next N requests to test retries.
 */
public final class WebhookReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public record Request(String method, String path, String body, int status) {
    }

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                int status = 200;
                if (failNextDecrement(receiver)) {
                    status = 500;
                    receiver.refused.incrementAndGet();
                }
                synchronized (receiver.requests) {
                    receiver.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body, status));
                    receiver.requests.notifyAll();
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean failNextDecrement(WebhookReceiver receiver) {
        return receiver.failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next {@code count} requests are answered with 500. */
    public void failNext(int count) {
        failNext.set(count);
    }

    public int refusedCount() {
        return refused.get();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits for a request matching the condition and returns how many such requests arrived by then. */
    public List<Request> await(Predicate<Request> condition, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (true) {
                List<Request> matching = requests.stream().filter(condition).toList();
                long left = deadline - System.nanoTime();
                if (matching.size() >= count || left <= 0) {
                    return matching;
                }
                requests.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
