package dev.linkstack.app.clicks;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Click counts shared by all instances in Redis. Instances add into one hash, each push at most once (a marker
 * per push id, set in the same script); a flush atomically renames the hash to a batch key named after a fresh
 * batch id, writes the batch to the database, then deletes the key. A batch key left behind by a crash is picked
 * up by the next flush of any instance.
 */
class SharedClickCounters {
    static final String PENDING = "clicks:pending";
    static final String BATCH_PREFIX = "clicks:batch:";
    static final String PUSHED_PREFIX = "clicks:pushed:";
    /** Marker and increments in one atomic step; a marker outlives any retry by far. */
    private static final String ADD_ONCE = """
            if redis.call('SET', KEYS[2], '1', 'NX', 'EX', 86400) then
              for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
              return 1
            end
            return 0""";

    record Batch(String id, Map<ClickKey, Long> counts) {
    }

    private final RedisDataSource redis;
    private final HashCommands<String, String, Long> hashes;
    private final KeyCommands<String> keys;

    SharedClickCounters(RedisDataSource redis) {
        this.redis = redis;
        this.hashes = redis.hash(Long.class);
        this.keys = redis.key();
    }

    /**
     * Adds counts atomically and at most once per push id: when a reply is lost (Redis restarting mid-call), the
     * same push is retried with the same id and cannot count twice. Returns false when the id was applied before.
     */
    boolean addOnce(String pushId, Map<ClickKey, Long> counts) {
        if (counts.isEmpty()) {
            return true;
        }
        List<String> args = new ArrayList<>(4 + 2 * counts.size());
        args.addAll(List.of(ADD_ONCE, "2", PENDING, PUSHED_PREFIX + pushId));
        counts.forEach((key, n) -> {
            args.add(key.encode());
            args.add(String.valueOf(n));
        });
        return redis.execute("EVAL", args.toArray(String[]::new)).toLong() == 1;
    }

    /** Seals the pending counts into a new batch and returns every batch waiting to be written. */
    List<Batch> sealAndListBatches() {
        if (keys.exists(PENDING)) {
            try {
                keys.rename(PENDING, BATCH_PREFIX + UUID.randomUUID());
            } catch (java.util.NoSuchElementException sealedElsewhere) {
                // another instance sealed it between EXISTS and RENAME: its batch is listed below like any other
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("no such key")) {
                    throw e; // otherwise another instance sealed it first
                }
            }
        }
        List<Batch> batches = new ArrayList<>();
        for (String key : keys.scan(new KeyScanArgs().match(BATCH_PREFIX + "*").count(100)).toIterable()) {
            Map<ClickKey, Long> counts = new HashMap<>();
            hashes.hgetall(key).forEach((field, n) -> counts.put(ClickKey.decode(field), n));
            batches.add(new Batch(key.substring(BATCH_PREFIX.length()), counts));
        }
        return batches;
    }

    void delete(Batch batch) {
        keys.del(BATCH_PREFIX + batch.id());
    }
}
