package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.ClickKey;
import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.clicks.VisitCounts;
import dev.linkstack.app.visits.Dimension;
import dev.linkstack.app.clicks.Push;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.linkstack.app.visits.VisitorSketch;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * Click counts shared by all instances in Redis, kept apart per push: one field of the pending hash per push id, its
 * counts as the value. A flush atomically renames the hash to a batch key, writes the batch's pushes to the database,
 * then deletes the key; a batch key left behind by a crash is picked up by the next flush of any instance.
 * <p>
 * Redis does not decide whether a push is counted; the database does, by recording each push id in the transaction
 * that adds its clicks ({@code ClickStore}). Whatever Redis hands out again is then counted once: a push retried
 * after a lost reply, a batch listed by two instances, or a seal or delete undone because Redis lost its last writes
 * in a crash (AOF with appendfsync everysec). Merged counts could not be told apart from newer ones after such a loss.
 */
class RedisClickCounters implements SharedClickCounters {
    private static final JsonFactory JSON = new JsonFactory();
    static final String PENDING = "clicks:pending";
    static final String BATCH_PREFIX = "clicks:batch:";

    private final HashCommands<String, String, String> hashes;
    private final KeyCommands<String> keys;
    private final RedisGuard guard;

    RedisClickCounters(RedisDataSource redis, RedisGuard guard) {
        this.hashes = redis.hash(String.class);
        this.keys = redis.key();
        this.guard = guard;
    }

    @Override
    public boolean inUse() {
        return true;
    }

    @Override
    public boolean reachable() {
        return guard.shouldTry();
    }

    /** Adds a push; a retry of a push still pending changes nothing (and one already sealed is caught by the database). */
    @Override
    public void add(String pushId, Map<ClickKey, VisitCounts> counts) {
        guarded(() -> {
            if (!counts.isEmpty()) {
                hashes.hsetnx(PENDING, pushId, encode(counts));
            }
            return null;
        });
        guard.outageEnded();
    }

    @Override
    public List<String> sealAndListBatches() {
        return guarded(this::seal);
    }

    /** Seals the pending pushes into a new batch and returns the ids of every batch waiting to be written. */
    private List<String> seal() {
        if (keys.exists(PENDING)) {
            try {
                keys.rename(PENDING, BATCH_PREFIX + UUID.randomUUID());
            } catch (NoSuchElementException sealedElsewhere) {
                // another instance sealed it between EXISTS and RENAME: its batch is listed below like any other
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("no such key")) {
                    throw e; // otherwise another instance sealed it first
                }
            }
        }
        List<String> batchIds = new ArrayList<>();
        for (String key : keys.scan(new KeyScanArgs().match(BATCH_PREFIX + "*").count(100)).toIterable()) {
            batchIds.add(key.substring(BATCH_PREFIX.length()));
        }
        return batchIds;
    }

    /** The pushes of a batch, by push id; read one batch at a time, as batches pile up while the database is down. */
    @Override
    public Map<String, Push> read(String batchId) {
        return guarded(() -> decode(batchId, hashes.hgetall(BATCH_PREFIX + batchId)));
    }

    @Override
    public void delete(String batchId) {
        guarded(() -> keys.del(BATCH_PREFIX + batchId));
    }

    /** Runs a Redis command; a failure is recorded (the hot paths skip Redis for a moment) and rethrown. */
    private <T> T guarded(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (RuntimeException e) {
            guard.failed(e);
            throw e;
        }
    }

    /**
     * A push as JSON: per link and day its clicks, breakdowns (dimension → value → visits) and the visitors' sketch
     * (base64). Counts only: no address or user agent is ever in a push. Written and read as a stream: a push of
     * thousands of links never becomes a tree of JSON nodes.
     */
    static String encode(Map<ClickKey, VisitCounts> counts) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeNumberField("v", 2);
            json.writeArrayFieldStart("links");
            for (Map.Entry<ClickKey, VisitCounts> entry : counts.entrySet()) {
                VisitCounts link = entry.getValue();
                json.writeStartObject();
                json.writeNumberField("l", entry.getKey().linkId());
                json.writeNumberField("d", entry.getKey().epochDay());
                json.writeNumberField("c", link.clicks());
                json.writeObjectFieldStart("b");
                Dimension[] open = {null};
                link.forEachEntry((dimension, value, n) -> {
                    try {
                        if (dimension != open[0]) {
                            if (open[0] != null) {
                                json.writeEndObject();
                            }
                            json.writeObjectFieldStart(dimension.key());
                            open[0] = dimension;
                        }
                        json.writeNumberField(value, n);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (open[0] != null) {
                    json.writeEndObject();
                }
                json.writeEndObject();
                if (link.visitors() != null) {
                    json.writeStringField("u", Base64.getEncoder().encodeToString(link.visitors().toBytes()));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * Fields of a batch hash as pushes, each decoded when merged. Instances of earlier versions pushed clicks only, as
     * {@code linkId:epochDay=clicks,...}, or, before that, added counts into the hash directly
     * ({@code linkId:epochDay} → clicks) and wrote a batch under its batch id; such fields, met during an update that
     * runs both versions, are read as clicks without breakdowns.
     */
    static Map<String, Push> decode(String batchId, Map<String, String> fields) {
        Map<String, Push> pushes = new HashMap<>();
        Map<ClickKey, VisitCounts> direct = new HashMap<>();
        fields.forEach((field, value) -> {
            if (value.startsWith("{")) {
                pushes.put(field, batch -> mergeJson(value, batch));
            } else if (value.indexOf('=') < 0) {
                direct.computeIfAbsent(ClickKey.decode(field), unused -> new VisitCounts()).addClicks(Long.parseLong(value));
            } else {
                pushes.put(field, batch -> {
                    for (String entry : value.split(",")) {
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

    /** Adds one JSON push to the batch, link by link; fields in any order, unknown ones skipped. */
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
                    mergeLink(json, batch);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable click push: " + e.getMessage(), e);
        }
    }

    private static void mergeLink(JsonParser json, Map<ClickKey, VisitCounts> batch) throws IOException {
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
}
