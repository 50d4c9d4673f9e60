package dev.linkstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A service's OpenAPI document as {@link OpenApiFuzzer} reads it: its operations, and schemas with references resolved. */
final class OpenApiDocument {
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    record Param(String name, String in, JsonNode schema) {
    }

    record Operation(String method, String path, List<Param> params, Map<String, JsonNode> bodies, boolean html) {
        String key() {
            return method + " " + path;
        }
    }

    private final JsonNode spec;
    private final List<Operation> operations;

    OpenApiDocument(JsonNode spec) {
        this.spec = spec;
        this.operations = readOperations(spec);
    }

    /** Every operation, sorted by "METHOD /path". */
    List<Operation> operations() {
        return operations;
    }

    /** The schema itself, with {@code $ref} followed and the first of {@code allOf}/{@code oneOf} taken. */
    JsonNode resolve(JsonNode schema) {
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

    private static List<Operation> readOperations(JsonNode spec) {
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
