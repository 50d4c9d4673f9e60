package dev.linkstack.platform.startup;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerHealthCheckTest {

    @Test
    void readyOnlyWhenTheReadinessEndpointAnswers200() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertTrue(ContainerHealthCheck.isReady(base + "/q/health/ready"));
            assertFalse(ContainerHealthCheck.isReady(base + "/down"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void nothingListeningOrABadUrlIsNotReady() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertFalse(ContainerHealthCheck.isReady("http://127.0.0.1:" + closedPort + "/q/health/ready"));
        assertFalse(ContainerHealthCheck.isReady("not a url"));
    }
}
