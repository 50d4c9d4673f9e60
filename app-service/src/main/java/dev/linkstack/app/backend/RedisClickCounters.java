package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.ClickKey;
import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.clicks.VisitCounts;
import dev.linkstack.app.clicks.Push;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;

import java.util.ArrayList;
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
    static final String PENDING = "clicks:pending";
    static final String BATCH_PREFIX = "clicks:batch:";

    private final HashCommands<String, String, byte[]> hashes;
    private final KeyCommands<String> keys;
    private final RedisGuard guard;

    RedisClickCounters(RedisDataSource redis, RedisGuard guard) {
        this.hashes = redis.hash(String.class, String.class, byte[].class);
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
                hashes.hsetnx(PENDING, pushId, ClickPushCodec.encode(counts));
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
        return guarded(() -> ClickPushCodec.decode(batchId, hashes.hgetall(BATCH_PREFIX + batchId)));
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
}
