package dev.linkstack.app.backend;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.linkstack.app.clicks.ClickKey;
import dev.linkstack.app.clicks.Push;
import dev.linkstack.app.clicks.VisitCounts;
import dev.linkstack.app.visits.Dimension;
import dev.linkstack.app.visits.VisitorSketch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A push in Redis, as bytes: a table of the push's distinct texts (dimension keys and values: a handful, shared by
 * thousands of links), then per link and day its id, day, clicks, breakdown entries (dimension, value, visits) as
 * indexes into that table, and the visitors' sketch. Numbers are unsigned LEB128 varints. Counts only: no address or
 * user agent is ever in a push.
 * <p>
 * Binary rather than JSON: every push of every instance is written every push interval and read again by a flush,
 * and JSON text made those two steps most of the click pipeline's CPU (the flush's and the push's top frames).
 */
final class ClickPushCodec {
    /** The first byte: neither '{' (the JSON pushes before it) nor a digit (the text pushes before those). */
    static final byte VERSION = 3;
    private static final JsonFactory JSON = new JsonFactory();

    private ClickPushCodec() {
    }

    static byte[] encode(Map<ClickKey, VisitCounts> counts) {
        Map<String, Integer> texts = new HashMap<>();
        List<String> table = new ArrayList<>();
        Out links = new Out();
        links.varint(counts.size());
        counts.forEach((key, link) -> {
            links.varint(key.linkId());
            links.varint(key.epochDay());
            links.varint(link.clicks());
            links.varint(link.entries());
            link.forEachEntry((dimension, value, n) -> {
                links.varint(index(texts, table, dimension.key()));
                links.varint(index(texts, table, value));
                links.varint(n);
            });
            byte[] sketch = link.visitors() == null ? new byte[0] : link.visitors().toBytes();
            links.varint(sketch.length);
            links.write(sketch, 0, sketch.length);
        });
        Out push = new Out();
        push.write(VERSION);
        push.varint(table.size());
        for (String text : table) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            push.varint(bytes.length);
            push.write(bytes, 0, bytes.length);
        }
        push.write(links.bytes(), 0, links.size());
        return push.toByteArray();
    }

    private static int index(Map<String, Integer> texts, List<String> table, String text) {
        return texts.computeIfAbsent(text, t -> {
            table.add(t);
            return table.size() - 1;
        });
    }

    /** Adds a push's counts to the batch; a push that does not read to its end fails whole (IllegalStateException). */
    static void mergeInto(byte[] push, Map<ClickKey, VisitCounts> batch) {
        In in = new In(push);
        if (in.next() != VERSION) {
            throw new IllegalStateException("unreadable click push: not version " + VERSION);
        }
        String[] texts = new String[in.count()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = in.text();
        }
        Dimension[] dimensions = new Dimension[texts.length]; // each key looked up once per push
        int links = in.count();
        for (int l = 0; l < links; l++) {
            ClickKey key = new ClickKey(in.varint(), in.varint());
            VisitCounts link = batch.computeIfAbsent(key, k -> new VisitCounts());
            link.addClicks(in.varint());
            int entries = in.count();
            for (int e = 0; e < entries; e++) {
                int dimension = in.index(texts.length);
                if (dimensions[dimension] == null) {
                    dimensions[dimension] = Dimension.ofKey(texts[dimension]);
                }
                link.count(dimensions[dimension], texts[in.index(texts.length)], in.varint());
            }
            int sketch = in.count();
            if (sketch > 0) {
                link.mergeVisitors(VisitorSketch.fromBytes(in.bytes(sketch)));
            }
        }
        if (in.remaining() != 0) {
            throw new IllegalStateException("unreadable click push: " + in.remaining() + " bytes after its last link");
        }
    }

    /**
     * Fields of a batch hash as pushes, each decoded when merged. Instances of earlier versions pushed JSON (version 2,
     * the same counts), or clicks only, as {@code linkId:epochDay=clicks,...}, or, before that, added counts into the
     * hash directly ({@code linkId:epochDay} → clicks) and wrote a batch under its batch id; such fields, met during an
     * update that runs both versions, are read as they were meant.
     */
    static Map<String, Push> decode(String batchId, Map<String, byte[]> fields) {
        Map<String, Push> pushes = new HashMap<>();
        Map<ClickKey, VisitCounts> direct = new HashMap<>();
        fields.forEach((field, value) -> {
            if (value.length > 0 && value[0] == VERSION) {
                pushes.put(field, new Encoded(value));
                return;
            }
            String text = new String(value, StandardCharsets.UTF_8);
            if (text.startsWith("{")) {
                pushes.put(field, batch -> mergeJson(text, batch));
            } else if (text.indexOf('=') < 0) {
                direct.computeIfAbsent(ClickKey.decode(field), unused -> new VisitCounts()).addClicks(Long.parseLong(text));
            } else {
                pushes.put(field, batch -> {
                    for (String entry : text.split(",")) {
                        int equals = entry.indexOf('=');
                        batch.computeIfAbsent(ClickKey.decode(entry.substring(0, equals)), unused -> new VisitCounts())
                                .addClicks(Long.parseLong(entry, equals + 1, entry.length(), 10));
                    }
                });
            }
        });
        if (!direct.isEmpty()) {
            pushes.put(batchId, Push.of(direct));
        }
        return pushes;
    }

    /**
     * A binary push that lets go of its bytes once merged: a flush holds its batch's pushes until its transaction ends,
     * and a batch's bytes (megabytes under load) would otherwise outlive young collections. A flush that fails reads
     * its batch from Redis again.
     */
    private static final class Encoded implements Push {
        private byte[] bytes;

        Encoded(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void mergeInto(Map<ClickKey, VisitCounts> batch) {
            byte[] push = bytes;
            if (push == null) {
                throw new IllegalStateException("a push read from Redis is merged once");
            }
            bytes = null;
            ClickPushCodec.mergeInto(push, batch);
        }
    }

    /** A JSON push (version 2): {@code {"v":2,"links":[{"l":id,"d":day,"c":clicks,"b":{dimension:{value:n}},"u":base64}]}}. */
    private static void mergeJson(String value, Map<ClickKey, VisitCounts> batch) {
        try (JsonParser json = JSON.createParser(value)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                if (!"links".equals(json.currentName())) {
                    json.nextToken();
                    json.skipChildren();
                    continue;
                }
                expect(json.nextToken(), JsonToken.START_ARRAY);
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    mergeJsonLink(json, batch);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable click push: " + e.getMessage(), e);
        }
    }

    private static void mergeJsonLink(JsonParser json, Map<ClickKey, VisitCounts> batch) throws IOException {
        long linkId = -1;
        long epochDay = Long.MIN_VALUE;
        VisitCounts link = new VisitCounts();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken token = json.nextToken();
            switch (field) {
                case "l" -> linkId = json.getLongValue();
                case "d" -> epochDay = json.getLongValue();
                case "c" -> link.addClicks(json.getLongValue());
                case "u" -> link.mergeVisitors(VisitorSketch.fromBytes(Base64.getDecoder().decode(json.getText())));
                case "b" -> {
                    expect(token, JsonToken.START_OBJECT);
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        Dimension dimension = Dimension.ofKey(json.currentName());
                        expect(json.nextToken(), JsonToken.START_OBJECT);
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String breakdownValue = json.currentName();
                            json.nextToken();
                            link.count(dimension, breakdownValue, json.getLongValue());
                        }
                    }
                }
                default -> json.skipChildren();
            }
        }
        if (linkId < 0 || epochDay == Long.MIN_VALUE) {
            throw new IOException("a link without its id or day");
        }
        batch.computeIfAbsent(new ClickKey(linkId, epochDay), unused -> new VisitCounts()).merge(link);
    }

    private static void expect(JsonToken token, JsonToken expected) throws IOException {
        if (token != expected) {
            throw new IOException("expected " + expected + ", found " + token);
        }
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(256);
        }

        void varint(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("a count below zero: " + value);
            }
            while ((value & ~0x7FL) != 0) {
                write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            write((int) value);
        }

        byte[] bytes() {
            return buf;
        }
    }

    private static final class In {
        private final byte[] bytes;
        private int at;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        byte next() {
            if (at >= bytes.length) {
                throw new IllegalStateException("unreadable click push: it ends early");
            }
            return bytes[at++];
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalStateException("unreadable click push: a number too long");
        }

        /** A length or count: never more than the bytes left could hold. */
        int count() {
            long n = varint();
            if (n > bytes.length - at) {
                throw new IllegalStateException("unreadable click push: " + n + " items in " + (bytes.length - at) + " bytes");
            }
            return (int) n;
        }

        int index(int size) {
            long i = varint();
            if (i >= size) {
                throw new IllegalStateException("unreadable click push: text " + i + " of " + size);
            }
            return (int) i;
        }

        String text() {
            int length = count();
            String text = new String(bytes, at, length, StandardCharsets.UTF_8);
            at += length;
            return text;
        }

        byte[] bytes(int length) {
            byte[] copy = Arrays.copyOfRange(bytes, at, at + length);
            at += length;
            return copy;
        }

        int remaining() {
            return bytes.length - at;
        }
    }
}
