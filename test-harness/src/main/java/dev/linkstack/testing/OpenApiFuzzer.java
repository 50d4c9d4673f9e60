package dev.linkstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates hostile requests for every operation of a service's own OpenAPI document ({@code /q/openapi?format=json})
 * and checks the promise every endpoint makes: never a 5xx, never an internal detail (stack trace, Java class, SQL
 * text, configured secrets) in a body, and error bodies of JSON operations are JSON.
 *
 * <p>Generation is seeded ({@link Random}): a failing run is reproduced by running again with the seed it prints.
 * Every request picks one operation (round robin, so all are covered evenly), one of the caller's identities and
 * one kind of damage: values of the declared shape mixed with hostile strings, wrong JSON types, malformed JSON,
 * wrong content types, wrong methods, hostile path and query values, huge values.
 *
 * <p>One exception to "error bodies are JSON": a request line or header block beyond the HTTP layer's limits is
 * refused by the HTTP decoder with a bare 414 or 431 before any application code runs; those are counted apart.
 */
public final class OpenApiFuzzer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Text that only an internal failure puts into a body. */
    private static final List<String> LEAK_MARKERS = List.of(
            "Exception", "\tat ", "Caused by", "java.lang", "java.util", "java.io", "java.sql", "java.nio", "jakarta.", "javax.",
            "org.hibernate", "org.postgresql", "org.jboss", "io.quarkus", "io.vertx", "io.smallrye", "com.fasterxml", "dev.linkstack",
            "PSQL", "SQLState", "SQL state", "syntax error at or near", "duplicate key value", "violates ", "NullPointer",
            "ClassCast", "IllegalArgument", "IllegalState", "stack trace", "StackOverflow", "OutOfMemory");

    /** A way of presenting oneself: real credentials, none or garbage. */
    public record Identity(String name, Map<String, String> headers, boolean real) {
        public static Identity anonymous() {
            return new Identity("anonymous", Map.of(), false);
        }

        public static Identity real(String name, Map<String, String> headers) {
            return new Identity(name, headers, true);
        }

        /** Garbage bearer tokens, basic auth and cookies of the given name. */
        public static List<Identity> garbage(String cookieName) {
            List<Identity> garbage = new ArrayList<>();
            garbage.add(new Identity("garbage bearer", Map.of("Authorization", "Bearer lsk_" + "A".repeat(43)), false));
            garbage.add(new Identity("empty bearer", Map.of("Authorization", "Bearer "), false));
            garbage.add(new Identity("huge bearer", Map.of("Authorization", "Bearer " + "x".repeat(6000)), false));
            garbage.add(new Identity("basic auth", Map.of("Authorization", "Basic YWRtaW46YWRtaW4="), false));
            garbage.add(new Identity("odd scheme", Map.of("Authorization", "Negotiate ' OR 1=1 --"), false));
            if (cookieName != null) {
                garbage.add(new Identity("garbage cookie", Map.of("Cookie", cookieName + "=" + "A".repeat(43)), false));
                garbage.add(new Identity("injected cookie", Map.of("Cookie", cookieName + "='%20OR%201=1;%20x=\"\\\"\""), false));
                garbage.add(new Identity("empty cookie", Map.of("Cookie", cookieName + "="), false));
            }
            return garbage;
        }
    }

    /** A broken promise, with enough of the request to reproduce it. */
    /** The smallest hard body limit of the services' HTTP layers (backup-service: quarkus.http.limits.max-body-size=64K). */
    private static final int HTTP_LAYER_BODY_LIMIT = 64 * 1024;

    public record Finding(String operation, String request, int status, String problem, String body) {
        @Override
        public String toString() {
            String excerpt = body.length() > 300 ? body.substring(0, 300) + "..." : body;
            return problem + " <- " + request + " -> " + status + " " + excerpt.replace("\n", "\\n");
        }
    }

    /** What a run sent and what broke. */
    public record Result(long seed, int requests, List<Finding> findings, Map<String, Integer> statuses, Set<String> operations) {
        public String summary() {
            return String.format("%,d requests over %d operations (seed %d), statuses %s, %d findings", requests, operations.size(), seed,
                    statuses, findings.size());
        }

        /** Fails with the first findings and the seed that reproduces them. */
        public void assertClean() {
            if (!findings.isEmpty()) {
                StringBuilder message = new StringBuilder(summary()).append(" (rerun with -Dfuzz.seed=").append(seed).append("):");
                Map<String, Integer> kinds = new TreeMap<>();
                findings.forEach(f -> kinds.merge(f.operation() + ": " + f.problem().replaceAll("'.*'", "'...'") + " (" + f.status() + ")", 1, Integer::sum));
                kinds.forEach((kind, count) -> message.append("\n  ").append(count).append(" x ").append(kind));
                findings.stream().limit(25).forEach(f -> message.append("\n  ").append(f));
                throw new AssertionError(message.toString());
            }
        }
    }

    private record Request(String operation, String method, String uri, Map<String, String> headers, byte[] body, Set<String> sent,
                           boolean expectJson) {
        String describe() {
            String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + shorten(uri) + " " + shorten(headers.toString()) + (text.isEmpty() ? "" : " body=" + shorten(text));
        }

        private static String shorten(String text) {
            return text.length() > 200 ? text.substring(0, 200) + "...(" + text.length() + " chars)" : text;
        }
    }

    private final URI base;
    private final List<OpenApiDocument.Operation> operations;
    private final FuzzValues values;
    private final List<Identity> identities = new ArrayList<>();
    private final Map<String, String> fixedHeaders = new LinkedHashMap<>();
    private final Map<String, List<String>> knownValues = new TreeMap<>();
    private final Set<String> anonymousOnly = new LinkedHashSet<>();
    private final Set<String> forbiddenText = new LinkedHashSet<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    private OpenApiFuzzer(URI base, JsonNode spec) {
        this.base = base;
        OpenApiDocument document = new OpenApiDocument(spec);
        this.operations = document.operations();
        this.values = new FuzzValues(knownValues, document);
        this.identities.add(Identity.anonymous());
    }

    /** Reads the service's OpenAPI document from {@code base}/q/openapi?format=json. */
    public static OpenApiFuzzer of(URI base) {
        URI root = URI.create(base.toString().replaceAll("/+$", ""));
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(root + "/q/openapi?format=json")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("OpenAPI document answered " + response.statusCode());
            }
            return new OpenApiFuzzer(root, JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The seed to use: {@code -Dfuzz.seed} when given (to reproduce a run), else a fresh one. */
    public static long seed() {
        String given = System.getProperty("fuzz.seed");
        return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given);
    }

    public OpenApiFuzzer identities(List<Identity> more) {
        identities.addAll(more);
        return this;
    }

    /** Sent with every request, e.g. an X-Forwarded-For so throttles of other tests are not disturbed. */
    public OpenApiFuzzer header(String name, String value) {
        fixedHeaders.put(name, value);
        return this;
    }

    /** Real values for a parameter or field name (e.g. an existing link code), used for some of the requests. */
    public OpenApiFuzzer knownValues(String name, List<String> values) {
        knownValues.put(name, List.copyOf(values));
        return this;
    }

    /** Operations never sent with real credentials, e.g. "POST /api/auth/logout" (it would end the run's session). */
    public OpenApiFuzzer anonymousOnly(String... operationKeys) {
        anonymousOnly.addAll(List.of(operationKeys));
        return this;
    }

    /** Text that must never appear in any body, e.g. database and Redis passwords. */
    public OpenApiFuzzer forbidInBodies(String... text) {
        for (String t : text) {
            if (t != null && !t.isEmpty()) {
                forbiddenText.add(t);
            }
        }
        return this;
    }

    /** "METHOD /path" of every operation in the document. */
    public Set<String> operationKeys() {
        Set<String> keys = new LinkedHashSet<>();
        operations.forEach(op -> keys.add(op.key()));
        return keys;
    }

    public Result run(long seed, int requests) {
        if (operations.isEmpty()) {
            throw new IllegalStateException("the OpenAPI document lists no operations");
        }
        Random random = new Random(seed);
        List<Finding> findings = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < requests; i++) {
            OpenApiDocument.Operation op = operations.get(i % operations.size());
            Request request = generate(op, random);
            Finding finding = send(request, statuses);
            if (finding != null) {
                findings.add(finding);
            }
        }
        return new Result(seed, requests, findings, statuses, operationKeys());
    }

    // ------------------------------------------------------------------------------------------------ generation

    private Request generate(OpenApiDocument.Operation op, Random random) {
        Identity identity = identities.get(random.nextInt(identities.size()));
        if (identity.real() && anonymousOnly.contains(op.key())) {
            identity = Identity.anonymous();
        }
        int damage = random.nextInt(10);
        Set<String> sent = new LinkedHashSet<>();
        Map<String, String> headers = new LinkedHashMap<>(fixedHeaders);
        headers.putAll(identity.headers());
        String method = damage == 7 ? OpenApiDocument.METHODS.get(random.nextInt(OpenApiDocument.METHODS.size())) : op.method();

        String path = op.path();
        StringBuilder query = new StringBuilder();
        for (OpenApiDocument.Param param : op.params()) {
            boolean hostile = damage == 8 || damage == 9 || random.nextInt(3) == 0;
            String value = hostile ? FuzzValues.hostileString(random, damage == 9) : values.value(param.name(), param.schema(), random);
            sent.add(value);
            switch (param.in()) {
                case "path" -> path = path.replace("{" + param.name() + "}", FuzzValues.pathSegment(value, random));
                case "query" -> {
                    if (random.nextInt(5) != 0) {
                        query.append(query.isEmpty() ? "?" : "&").append(FuzzValues.encode(param.name())).append('=').append(FuzzValues.encode(value));
                    }
                }
                case "header" -> {
                    if (FuzzValues.isSafeHeaderValue(value)) {
                        headers.put(param.name(), value);
                    }
                }
                case "cookie" -> headers.merge("Cookie", param.name() + "=" + FuzzValues.encode(value), (a, b) -> a + "; " + b);
                default -> {
                }
            }
        }
        if (random.nextInt(8) == 0) {
            String junk = FuzzValues.hostileString(random, false);
            sent.add(junk);
            query.append(query.isEmpty() ? "?" : "&").append("unexpected=").append(FuzzValues.encode(junk));
        }

        byte[] body = null;
        if (!op.bodies().isEmpty() || random.nextInt(6) == 0) {
            String mediaType = op.bodies().isEmpty() ? "application/json"
                    : new ArrayList<>(op.bodies().keySet()).get(random.nextInt(op.bodies().size()));
            JsonNode schema = op.bodies().getOrDefault(mediaType, NODES.objectNode());
            String contentType = mediaType;
            String text;
            if (mediaType.contains("form")) {
                text = values.formBody(schema, random, damage, sent);
            } else {
                text = values.jsonBody(schema, random, damage, sent);
            }
            if (damage == 6) {
                contentType = FuzzValues.BAD_CONTENT_TYPES.get(random.nextInt(FuzzValues.BAD_CONTENT_TYPES.size()));
            }
            body = text.getBytes(StandardCharsets.UTF_8);
            if (damage == 5 && random.nextInt(4) == 0) {
                body = FuzzValues.invalidUtf8(body, random);
            }
            sent.add(text);
            if (random.nextInt(12) != 0) {
                headers.put("Content-Type", contentType);
            }
        }
        if (random.nextInt(4) == 0) {
            headers.put("Accept", List.of("application/json", "*/*", "text/html", "application/xml", "garbage/").get(random.nextInt(5)));
        }
        // A browser asking for HTML may get a page instead of JSON; everything else must get JSON errors.
        boolean expectJson = !op.html() && !"text/html".equals(headers.get("Accept"));
        return new Request(op.key(), method, base + path + query, headers, body, sent, expectJson);
    }


    private Finding send(Request request, Map<String, Integer> statuses) {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(request.uri())).timeout(Duration.ofSeconds(30));
        } catch (IllegalArgumentException e) {
            return null; // not expressible as a URI: no server would ever see it
        }
        request.headers().forEach((name, value) -> {
            try {
                builder.header(name, value);
            } catch (IllegalArgumentException restricted) {
                // the JDK client refuses to send some headers; skip them
            }
        });
        HttpRequest.BodyPublisher body = request.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body());
        builder.method(request.method(), body);
        HttpResponse<byte[]> response;
        try {
            response = sendWithOneRetry(builder.build());
        } catch (IOException e) {
            if (request.body() != null && request.body().length > HTTP_LAYER_BODY_LIMIT) {
                // The HTTP layer answers 413 and closes while the client is still sending: the client may see only
                // the reset. No application code ran; counted apart like the bare 414/431.
                statuses.merge("cut off by the HTTP layer (body over its limit)", 1, Integer::sum);
                return null;
            }
            statuses.merge("no answer", 1, Integer::sum);
            return new Finding(request.operation(), request.describe(), 0, "no answer: " + e, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if ((status == 414 || status == 431) && text.isEmpty()) {
            statuses.merge(status + " from the HTTP layer", 1, Integer::sum);
            return null;
        }
        statuses.merge(status / 100 + "xx", 1, Integer::sum);
        String problem = problem(request, status, response.headers().firstValue("Content-Type").orElse(""), text);
        return problem == null ? null : new Finding(request.operation(), request.describe(), status, problem, text);
    }

    /**
     * A server may close a kept-alive connection after refusing a request whose body it did not read; the JDK client
     * then fails the next request on that connection. One retry on a fresh attempt tells that apart from a server that
     * never answers.
     */
    private HttpResponse<byte[]> sendWithOneRetry(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException first) {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private String problem(Request request, int status, String contentType, String body) {
        if (status >= 500) {
            return "server error " + status;
        }
        for (String secret : forbiddenText) {
            if (body.contains(secret)) {
                return "configured secret in body";
            }
        }
        String unexplained = withoutEchoes(body, request.sent());
        for (String marker : LEAK_MARKERS) {
            if (unexplained.contains(marker)) {
                return "internal detail in body: '" + marker.strip() + "'";
            }
        }
        if (status >= 400 && request.expectJson() && !request.method().equals("HEAD")) {
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                return "error body is not JSON (Content-Type: " + contentType + ")";
            }
            try {
                JsonNode error = JSON.readTree(body);
                if (error == null || !error.isObject()) {
                    return "error body is not a JSON object";
                }
            } catch (IOException e) {
                return "error body does not parse as JSON";
            }
        }
        return null;
    }

    /** The body minus what the request itself sent (a service may quote the client's input back to it). */
    private static String withoutEchoes(String body, Set<String> sent) {
        String remaining = body;
        for (String value : sent) {
            if (value == null || value.length() < 2) {
                continue;
            }
            remaining = remaining.replace(value, "");
            try {
                String quoted = JSON.writeValueAsString(value);
                remaining = remaining.replace(quoted.substring(1, quoted.length() - 1), "");
            } catch (IOException ignored) {
                // not representable: nothing to strip
            }
        }
        return remaining;
    }
}
