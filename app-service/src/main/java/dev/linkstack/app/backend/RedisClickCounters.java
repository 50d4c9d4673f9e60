package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.ClickKey;
import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.clicks.VisitCounts;
import dev.linkstack.app.visits.Dimension;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.app.visits.VisitorSketch;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;

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
    private static final ObjectMapper JSON = new ObjectMapper();
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
    public Map<String, Map<ClickKey, VisitCounts>> read(String batchId) {
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
     * (base64). Counts only: no address or user agent is ever in a push.
     */
    static String encode(Map<ClickKey, VisitCounts> counts) {
        ObjectNode push = JSON.createObjectNode().put("v", 2);
        ArrayNode links = push.putArray("links");
        counts.forEach((key, link) -> {
            ObjectNode entry = links.addObject().put("l", key.linkId()).put("d", key.epochDay()).put("c", link.clicks());
            ObjectNode breakdown = entry.putObject("b");
            for (Dimension dimension : Dimension.values()) {
                Map<String, Long> values = link.of(dimension);
                if (!values.isEmpty()) {
                    ObjectNode byValue = breakdown.putObject(dimension.key());
                    values.forEach(byValue::put);
                }
            }
            if (link.visitors() != null) {
                entry.put("u", Base64.getEncoder().encodeToString(link.visitors().toBytes()));
            }
        });
        return push.toString();
    }

    /**
     * Fields of a batch hash as pushes. Instances of earlier versions pushed clicks only, as
     * {@code linkId:epochDay=clicks,...}, or, before that, added counts into the hash directly
     * ({@code linkId:epochDay} → clicks) and wrote a batch under its batch id; such fields, met during an update that
     * runs both versions, are read as clicks without breakdowns.
     */
    static Map<String, Map<ClickKey, VisitCounts>> decode(String batchId, Map<String, String> fields) {
        Map<String, Map<ClickKey, VisitCounts>> pushes = new HashMap<>();
        fields.forEach((field, value) -> {
            if (value.startsWith("{")) {
                pushes.put(field, decodeJson(value));
            } else if (value.indexOf('=') < 0) {
                pushes.computeIfAbsent(batchId, unused -> new HashMap<>())
                        .computeIfAbsent(ClickKey.decode(field), unused -> new VisitCounts()).addClicks(Long.parseLong(value));
            } else {
                Map<ClickKey, VisitCounts> counts = new HashMap<>();
                for (String entry : value.split(",")) {
                    int equals = entry.indexOf('=');
                    counts.put(ClickKey.decode(entry.substring(0, equals)), VisitCounts.ofClicks(Long.parseLong(entry, equals + 1, entry.length(), 10)));
                }
                pushes.put(field, counts);
            }
        });
        return pushes;
    }

    private static Map<ClickKey, VisitCounts> decodeJson(String value) {
        JsonNode push;
        try {
            push = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable click push: " + e.getOriginalMessage(), e);
        }
        Map<ClickKey, VisitCounts> counts = new HashMap<>();
        for (JsonNode entry : push.path("links")) {
            VisitCounts link = VisitCounts.ofClicks(entry.path("c").asLong());
            entry.path("b").fields().forEachRemaining(dimension -> {
                Dimension which = Dimension.ofKey(dimension.getKey());
                dimension.getValue().fields().forEachRemaining(v -> link.count(which, v.getKey(), v.getValue().asLong()));
            });
            if (entry.hasNonNull("u")) {
                link.mergeVisitors(VisitorSketch.fromBytes(Base64.getDecoder().decode(entry.get("u").asText())));
            }
            counts.put(new ClickKey(entry.path("l").asLong(), entry.path("d").asLong()), link);
        }
        return counts;
    }
}
