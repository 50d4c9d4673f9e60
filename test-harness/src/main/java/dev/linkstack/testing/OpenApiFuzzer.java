package dev.linkstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
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
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND");

    /** Text that only an internal failure puts into a body. */
    private static final List<String> LEAK_MARKERS = List.of(
            "Exception", "\tat ", "Caused by", "java.lang", "java.util", "java.io", "java.sql", "java.nio", "jakarta.", "javax.",
            "org.hibernate", "org.postgresql", "org.jboss", "io.quarkus", "io.vertx", "io.smallrye", "com.fasterxml", "dev.linkstack",
            "PSQL", "SQLState", "SQL state", "syntax error at or near", "duplicate key value", "violates ", "NullPointer",
            "ClassCast", "IllegalArgument", "IllegalState", "stack trace", "StackOverflow", "OutOfMemory");

    /** Strings that have broken parsers, templates, queries and file paths before. */
    static final List<String> HOSTILE_STRINGS = List.of(
            "", " ", "a", "-", ".", "..", "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "..\\..\\windows\\win.ini",
            "/etc/passwd", "%00", "\u0000", "a\u0000b", "'", "\"", "\\", "'; DROP TABLE users; --", "\" OR \"1\"=\"1",
            "1' OR '1'='1", "1; SELECT pg_sleep(5)", "admin'--", "%' OR 1=1 --", "${7*7}", "#{7*7}", "{{7*7}}", "<%= 7*7 %>",
            "{#for x in 1..9}{x}{/for}", "{inject:app}", "${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd", "ftp://example.org/", "http://127.0.0.1:6379/", "https://example.org/", "https://example.org/a?b=c#d",
            "//evil.example/", "https:evil.example", "http://[::1]/", "http://0x7f000001/", "https://user:pass@example.org/",
            "\r\nSet-Cookie: injected=1", "a\rb\nc", "%s%s%s%n", "%d", "NaN", "Infinity", "-1", "0", "1", "-0", "1e309",
            "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "0x10", "null", "true", "[]", "{}",
            "😀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u202egnp.exe", "\u200b", "\ufeff", "e\u0301", "\ud800", "\udfff", "ǅ", "ß", "İ", "ﬃ",
            "　", "١٢٣", "\u0085", "\u2028", "lsk_" + "x".repeat(43), "Bearer x", "a".repeat(256), "é".repeat(300),
            "user-" + "9".repeat(40), "*", "?", "#", "&", "=", ";", "%", "+", "/", "%2F", "%252F", "..;/", ".%2e/", "~root");

    private static final List<String> DATES = List.of(
            "2099-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2000-02-30T00:00:00Z", "9999-12-31T23:59:59Z",
            "+1000000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "2030-13-45T25:61:61Z", "2030-01-01", "yesterday", "0", "");

    private static final List<String> BAD_CONTENT_TYPES = List.of(
            "text/plain", "application/xml", "application/json; charset=ebcdic", "application/json;;;", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "garbage", "*/*", "application/octet-stream", "text/html", "application/json; charset=utf-32");

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

    private record Param(String name, String in, JsonNode schema) {
    }

    private record Operation(String method, String path, List<Param> params, Map<String, JsonNode> bodies, boolean html) {
        String key() {
            return method + " " + path;
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
    private final JsonNode spec;
    private final List<Operation> operations;
    private final List<Identity> identities = new ArrayList<>();
    private final Map<String, String> fixedHeaders = new LinkedHashMap<>();
    private final Map<String, List<String>> knownValues = new TreeMap<>();
    private final Set<String> anonymousOnly = new LinkedHashSet<>();
    private final Set<String> forbiddenText = new LinkedHashSet<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    private OpenApiFuzzer(URI base, JsonNode spec) {
        this.base = base;
        this.spec = spec;
        this.operations = readOperations(spec);
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
            Operation op = operations.get(i % operations.size());
            Request request = generate(op, random);
            Finding finding = send(request, statuses);
            if (finding != null) {
                findings.add(finding);
            }
        }
        return new Result(seed, requests, findings, statuses, operationKeys());
    }

    // ------------------------------------------------------------------------------------------------ generation

    private Request generate(Operation op, Random random) {
        Identity identity = identities.get(random.nextInt(identities.size()));
        if (identity.real() && anonymousOnly.contains(op.key())) {
            identity = Identity.anonymous();
        }
        int damage = random.nextInt(10);
        Set<String> sent = new LinkedHashSet<>();
        Map<String, String> headers = new LinkedHashMap<>(fixedHeaders);
        headers.putAll(identity.headers());
        String method = damage == 7 ? METHODS.get(random.nextInt(METHODS.size())) : op.method();

        String path = op.path();
        StringBuilder query = new StringBuilder();
        for (Param param : op.params()) {
            boolean hostile = damage == 8 || damage == 9 || random.nextInt(3) == 0;
            String value = hostile ? hostileString(random, damage == 9) : value(param.name(), param.schema(), random);
            sent.add(value);
            switch (param.in()) {
                case "path" -> path = path.replace("{" + param.name() + "}", pathSegment(value, random));
                case "query" -> {
                    if (random.nextInt(5) != 0) {
                        query.append(query.isEmpty() ? "?" : "&").append(encode(param.name())).append('=').append(encode(value));
                    }
                }
                case "header" -> {
                    if (isSafeHeaderValue(value)) {
                        headers.put(param.name(), value);
                    }
                }
                case "cookie" -> headers.merge("Cookie", param.name() + "=" + encode(value), (a, b) -> a + "; " + b);
                default -> {
                }
            }
        }
        if (random.nextInt(8) == 0) {
            String junk = hostileString(random, false);
            sent.add(junk);
            query.append(query.isEmpty() ? "?" : "&").append("unexpected=").append(encode(junk));
        }

        byte[] body = null;
        if (!op.bodies().isEmpty() || random.nextInt(6) == 0) {
            String mediaType = op.bodies().isEmpty() ? "application/json"
                    : new ArrayList<>(op.bodies().keySet()).get(random.nextInt(op.bodies().size()));
            JsonNode schema = op.bodies().getOrDefault(mediaType, NODES.objectNode());
            String contentType = mediaType;
            String text;
            if (mediaType.contains("form")) {
                text = formBody(schema, random, damage, sent);
            } else {
                text = jsonBody(schema, random, damage, sent);
            }
            if (damage == 6) {
                contentType = BAD_CONTENT_TYPES.get(random.nextInt(BAD_CONTENT_TYPES.size()));
            }
            body = text.getBytes(StandardCharsets.UTF_8);
            if (damage == 5 && random.nextInt(4) == 0) {
                body = invalidUtf8(body, random);
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

    private String value(String name, JsonNode schema, Random random) {
        List<String> known = knownValues.get(name);
        if (known != null && !known.isEmpty() && random.nextInt(3) != 0) {
            return known.get(random.nextInt(known.size()));
        }
        JsonNode node = shaped(name, schema, random, 0);
        return node.isTextual() ? node.textValue() : node.toString();
    }

    private JsonNode shaped(String name, JsonNode schema, Random random, int depth) {
        schema = resolve(schema);
        List<String> known = knownValues.get(name);
        if (known != null && !known.isEmpty() && random.nextInt(3) != 0) {
            return NODES.textNode(known.get(random.nextInt(known.size())));
        }
        if (schema.has("enum") && random.nextBoolean()) {
            JsonNode values = schema.get("enum");
            return values.get(random.nextInt(values.size()));
        }
        String type = schema.path("type").asText("");
        String format = schema.path("format").asText("");
        switch (type) {
            case "integer", "number" -> {
                List<String> numbers = List.of("0", "1", "-1", "7", "30", "365", "3650", "3651", "100", "2147483647", "-2147483648",
                        "2147483648", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1.5", "1e3", "1e400");
                return number(numbers.get(random.nextInt(numbers.size())));
            }
            case "boolean" -> {
                return NODES.booleanNode(random.nextBoolean());
            }
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                int n = depth > 3 ? 0 : random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(shaped(name, schema.path("items"), random, depth + 1));
                }
                return array;
            }
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                if (depth > 3) {
                    return object;
                }
                Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (random.nextInt(6) != 0) {
                        object.set(field.getKey(), shaped(field.getKey(), field.getValue(), random, depth + 1));
                    }
                }
                return object;
            }
            default -> {
                if (format.contains("date")) {
                    return NODES.textNode(DATES.get(random.nextInt(DATES.size())));
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.contains("url") && random.nextBoolean()) {
                    return NODES.textNode("https://example.org/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
                }
                if (lower.contains("password") && random.nextBoolean()) {
                    return NODES.textNode("pw-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
                }
                if (lower.contains("name") && random.nextBoolean()) {
                    return NODES.textNode("fz" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 6));
                }
                return NODES.textNode(random.nextInt(3) == 0 ? Long.toString(random.nextInt(1000)) : hostileString(random, false));
            }
        }
    }

    private JsonNode wrongType(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> NODES.arrayNode().add(1).add("x");
            case 1 -> NODES.objectNode().put("nested", true);
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.numberNode(Double.MAX_VALUE);
            default -> NODES.textNode(hostileString(random, false));
        };
    }

    private String jsonBody(JsonNode schema, Random random, int damage, Set<String> sent) {
        JsonNode body = shaped("", schema, random, 0);
        if (damage == 4) {
            if (body instanceof ObjectNode object && object.size() > 0 && random.nextBoolean()) {
                String field = fieldNames(object).get(random.nextInt(object.size()));
                object.set(field, wrongType(random));
            } else {
                body = wrongType(random);
            }
        }
        if (damage == 9 && body instanceof ObjectNode object) {
            object.put(random.nextBoolean() ? "url" : "name", "https://example.org/" + "h".repeat(List.of(2048, 2049, 10_000, 16_300, 20_000).get(random.nextInt(5))));
        }
        if (random.nextInt(10) == 0 && body instanceof ObjectNode object) {
            object.put("unexpectedField", hostileString(random, false));
        }
        collectStrings(body, sent);
        String text = body.toString();
        if (damage == 5) {
            text = malformed(text, random);
        }
        return text;
    }

    private String formBody(JsonNode schema, Random random, int damage, Set<String> sent) {
        StringBuilder form = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = resolve(schema).path("properties").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (random.nextInt(5) == 0) {
                continue;
            }
            String value = damage >= 4 ? hostileString(random, damage == 9) : value(field.getKey(), field.getValue(), random);
            sent.add(value);
            form.append(form.isEmpty() ? "" : "&").append(encode(field.getKey())).append('=').append(encode(value));
        }
        if (damage == 5) {
            form.append("&%zz=%&&==&").append("a".repeat(random.nextInt(50)));
        }
        return form.toString();
    }

    private static String malformed(String valid, Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> valid.substring(0, random.nextInt(Math.max(1, valid.length())));
            case 1 -> valid + "}}";
            case 2 -> valid.replace('"', '\'');
            case 3 -> "\ufeff" + valid;
            case 4 -> "[".repeat(5000) + "]".repeat(5000);
            case 5 -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
            case 6 -> "{\"url\": \"https://example.org\", \"url\": \"https://example.com\"}";
            case 7 -> "{\"url\": \"\\u00\"}";
            case 8 -> "{\"n\": 1" + "0".repeat(2000) + "}";
            default -> "null";
        };
    }

    private static byte[] invalidUtf8(byte[] body, Random random) {
        byte[] broken = new byte[body.length + 3];
        int at = body.length == 0 ? 0 : random.nextInt(body.length);
        System.arraycopy(body, 0, broken, 0, at);
        broken[at] = (byte) 0xC3;
        broken[at + 1] = (byte) 0x28;
        broken[at + 2] = (byte) 0xFF;
        System.arraycopy(body, at, broken, at + 3, body.length - at);
        return broken;
    }

    private static String hostileString(Random random, boolean huge) {
        if (huge) {
            int length = List.of(255, 256, 1024, 2049, 4096, 10_000, 70_000).get(random.nextInt(7));
            return "x".repeat(length);
        }
        return HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size()));
    }

    /** A path segment: usually percent-encoded, sometimes with raw traversal that the server must not follow. */
    private static String pathSegment(String value, Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "../" + encode(value);
            case 1 -> "..%2F..%2F" + encode(value);
            case 2 -> encode(value) + "/..";
            default -> value.isEmpty() ? "%20" : encode(value);
        };
    }

    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static boolean isSafeHeaderValue(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    private static JsonNode number(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return NODES.textNode(text);
        }
    }

    private static void collectStrings(JsonNode node, Set<String> into) {
        if (node.isTextual()) {
            into.add(node.textValue());
        } else if (node.isNumber()) {
            into.add(node.asText());
        } else if (node.isContainerNode()) {
            node.forEach(child -> collectStrings(child, into));
            node.fieldNames().forEachRemaining(into::add);
        }
    }

    private static List<String> fieldNames(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ------------------------------------------------------------------------------------------------ checking

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

    // ------------------------------------------------------------------------------------------------ the document

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema == null ? NODES.objectNode() : schema;
        for (int i = 0; i < 10 && current.has("$ref"); i++) {
            String ref = current.get("$ref").asText();
            current = spec.at(ref.startsWith("#") ? ref.substring(1) : ref);
        }
        if (current.has("allOf") && current.get("allOf").size() > 0) {
            return resolve(current.get("allOf").get(0));
        }
        if (current.has("oneOf") && current.get("oneOf").size() > 0) {
            return resolve(current.get("oneOf").get(0));
        }
        return current.isMissingNode() ? NODES.objectNode() : current;
    }

    private List<Operation> readOperations(JsonNode spec) {
        List<Operation> found = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            List<Param> shared = params(path.getValue().path("parameters"));
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> entry = methods.next();
                String method = entry.getKey().toUpperCase(Locale.ROOT);
                if (!METHODS.contains(method)) {
                    continue;
                }
                JsonNode op = entry.getValue();
                List<Param> params = new ArrayList<>(shared);
                params.addAll(params(op.path("parameters")));
                Map<String, JsonNode> bodies = new LinkedHashMap<>();
                op.path("requestBody").path("content").fields().forEachRemaining(c -> bodies.put(c.getKey(), c.getValue().path("schema")));
                boolean html = false;
                Iterator<JsonNode> responses = op.path("responses").elements();
                while (responses.hasNext()) {
                    Iterator<String> types = responses.next().path("content").fieldNames();
                    while (types.hasNext()) {
                        html |= types.next().contains("html");
                    }
                }
                found.add(new Operation(method, path.getKey(), params, bodies, html));
            }
        }
        found.sort((a, b) -> a.key().compareTo(b.key()));
        return found;
    }

    private static List<Param> params(JsonNode list) {
        List<Param> params = new ArrayList<>();
        for (JsonNode p : list) {
            params.add(new Param(p.path("name").asText(), p.path("in").asText(), p.path("schema")));
        }
        return params;
    }
}
