package dev.linkstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The values {@link OpenApiFuzzer} sends: of the declared shape (or a known real value), hostile strings, wrong JSON
 * types, malformed JSON and form bodies, invalid UTF-8, traversal in path segments; all drawn from the run's seeded
 * {@link Random}, so a seed reproduces a run.
 */
final class FuzzValues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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

    static final List<String> BAD_CONTENT_TYPES = List.of(
            "text/plain", "application/xml", "application/json; charset=ebcdic", "application/json;;;", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "garbage", "*/*", "application/octet-stream", "text/html", "application/json; charset=utf-32");

    private final Map<String, List<String>> knownValues;
    private final OpenApiDocument document;

    FuzzValues(Map<String, List<String>> knownValues, OpenApiDocument document) {
        this.knownValues = knownValues;
        this.document = document;
    }

    String value(String name, JsonNode schema, Random random) {
        List<String> known = knownValues.get(name);
        if (known != null && !known.isEmpty() && random.nextInt(3) != 0) {
            return known.get(random.nextInt(known.size()));
        }
        JsonNode node = shaped(name, schema, random, 0);
        return node.isTextual() ? node.textValue() : node.toString();
    }

    private JsonNode shaped(String name, JsonNode schema, Random random, int depth) {
        schema = document.resolve(schema);
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

    String jsonBody(JsonNode schema, Random random, int damage, Set<String> sent) {
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

    String formBody(JsonNode schema, Random random, int damage, Set<String> sent) {
        StringBuilder form = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = document.resolve(schema).path("properties").fields();
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

    static byte[] invalidUtf8(byte[] body, Random random) {
        byte[] broken = new byte[body.length + 3];
        int at = body.length == 0 ? 0 : random.nextInt(body.length);
        System.arraycopy(body, 0, broken, 0, at);
        broken[at] = (byte) 0xC3;
        broken[at + 1] = (byte) 0x28;
        broken[at + 2] = (byte) 0xFF;
        System.arraycopy(body, at, broken, at + 3, body.length - at);
        return broken;
    }

    static String hostileString(Random random, boolean huge) {
        if (huge) {
            int length = List.of(255, 256, 1024, 2049, 4096, 10_000, 70_000).get(random.nextInt(7));
            return "x".repeat(length);
        }
        return HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size()));
    }

    /** A path segment: usually percent-encoded, sometimes with raw traversal that the server must not follow. */
    static String pathSegment(String value, Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "../" + encode(value);
            case 1 -> "..%2F..%2F" + encode(value);
            case 2 -> encode(value) + "/..";
            default -> value.isEmpty() ? "%20" : encode(value);
        };
    }

    static String encode(String value) {
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

    static boolean isSafeHeaderValue(String value) {
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

}
