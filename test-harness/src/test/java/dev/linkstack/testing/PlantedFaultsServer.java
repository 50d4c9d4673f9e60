package dev.linkstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small real HTTP server with its own OpenAPI document ({@code /q/openapi?format=json}, as the services serve it),
 * four operations, and the faults {@link OpenApiFuzzer} promises to catch planted on demand, one per operation.
 * Without faults it answers every request the way the services must: 2xx, or a 4xx with a JSON error object.
 */
final class PlantedFaultsServer implements AutoCloseable {

    /** A broken promise, and the operation it is planted in. */
    enum Fault {
        /** GET /search answers 500 when {@code limit} is no integer, as an unhandled NumberFormatException would. */
        SERVER_ERROR("GET /search"),
        /** POST /items quotes the parser's exception and stack trace in its 400 when the body is no JSON. */
        STACK_TRACE("POST /items"),
        /** GET /items/{id} answers an unknown id with a plain-text 404. */
        NON_JSON_ERROR("GET /items/{id}"),
        /** GET /status shows the database URL with its password. */
        SECRET("GET /status");

        final String operation;

        Fault(String operation) {
            this.operation = operation;
        }
    }

    static final String DATABASE_PASSWORD = "planted-db-password-4711";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = """
            {"openapi": "3.0.3", "info": {"title": "planted faults", "version": "1"},
             "paths": {
               "/search": {"get": {"parameters": [
                   {"name": "q", "in": "query", "schema": {"type": "string"}},
                   {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100}}],
                 "responses": {"200": {"description": "hits", "content": {"application/json": {}}}}}},
               "/items": {"post": {
                 "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                 "responses": {"201": {"description": "created", "content": {"application/json": {}}}}}},
               "/items/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                 "responses": {"200": {"description": "the item", "content": {"application/json": {}}}}}},
               "/status": {"get": {"responses": {"200": {"description": "status", "content": {"application/json": {}}}}}}
             },
             "components": {"schemas": {"Item": {"type": "object", "required": ["name"],
               "properties": {"name": {"type": "string", "maxLength": 50}, "count": {"type": "integer"}}}}}}
            """;

    private final Set<Fault> faults;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    static {
        // The JDK server writes headers and body apart: without TCP_NODELAY each answer waits ~40 ms for a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private PlantedFaultsServer(Set<Fault> faults) throws IOException {
        this.faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    static PlantedFaultsServer start(Set<Fault> faults) {
        try {
            return new PlantedFaultsServer(faults);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String[] segments = path.split("/", -1);
            if (path.equals("/q/openapi") && method.equals("GET")) {
                send(exchange, 200, "application/json", DOCUMENT);
            } else if (path.equals("/search")) {
                onlyGet(exchange, method, () -> search(exchange));
            } else if (path.equals("/items")) {
                if (method.equals("POST")) {
                    create(exchange, body);
                } else {
                    error(exchange, 405, "method_not_allowed", "POST only");
                }
            } else if (segments.length == 3 && segments[1].equals("items")) {
                onlyGet(exchange, method, () -> item(exchange, segments[2]));
            } else if (path.equals("/status")) {
                onlyGet(exchange, method, () -> send(exchange, 200, "application/json", faults.contains(Fault.SECRET)
                        ? "{\"database\": \"postgresql://app:" + DATABASE_PASSWORD + "@db:5432/app\"}" : "{\"database\": \"up\"}"));
            } else {
                error(exchange, 404, "not_found", "no such resource");
            }
        }
    }

    private interface Answer {
        void send() throws IOException;
    }

    private void onlyGet(HttpExchange exchange, String method, Answer answer) throws IOException {
        if (method.equals("GET") || method.equals("HEAD")) {
            answer.send();
        } else {
            error(exchange, 405, "method_not_allowed", "GET only");
        }
    }

    private void search(HttpExchange exchange) throws IOException {
        String limit = null;
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            String[] nameValue = pair.split("=", 2);
            if (nameValue[0].equals("limit") && nameValue.length == 2) {
                try {
                    limit = URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    error(exchange, 400, "bad_request", "malformed percent-encoding");
                    return;
                }
            }
        }
        if (limit != null && !limit.matches("[0-9]{1,3}")) {
            if (faults.contains(Fault.SERVER_ERROR)) {
                error(exchange, 500, "internal_error", "something went wrong");
            } else {
                error(exchange, 400, "invalid_limit", "limit must be a number from 1 to 100");
            }
            return;
        }
        send(exchange, 200, "application/json", "{\"hits\": []}");
    }

    private void create(HttpExchange exchange, byte[] body) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.equals("application/json")) {
            error(exchange, 415, "unsupported_media_type", "send application/json");
            return;
        }
        JsonNode item;
        try {
            item = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException notJson) {
            if (faults.contains(Fault.STACK_TRACE)) {
                String trace = "com.fasterxml.jackson.core.JsonParseException: Unexpected character\n"
                        + "\tat dev.example.items.ItemResource.create(ItemResource.java:42)";
                send(exchange, 400, "application/json", JSON.createObjectNode().put("error", "bad_json").put("detail", trace).toString());
            } else {
                error(exchange, 400, "bad_json", "the body is no JSON");
            }
            return;
        }
        if (item == null || !item.isObject() || !item.path("name").isTextual() || item.path("name").asText().length() > 50) {
            error(exchange, 400, "invalid_item", "name: a text of at most 50 characters");
            return;
        }
        send(exchange, 201, "application/json", "{\"id\": 1}");
    }

    private void item(HttpExchange exchange, String id) throws IOException {
        if (id.equals("1")) {
            send(exchange, 200, "application/json", "{\"id\": 1, \"name\": \"first\"}");
        } else if (faults.contains(Fault.NON_JSON_ERROR)) {
            send(exchange, 404, "text/plain", "Not Found");
        } else {
            error(exchange, 404, "not_found", "no such item");
        }
    }

    private static void error(HttpExchange exchange, int status, String error, String message) throws IOException {
        send(exchange, status, "application/json", JSON.createObjectNode().put("error", error).put("message", message).toString());
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
    }
}
