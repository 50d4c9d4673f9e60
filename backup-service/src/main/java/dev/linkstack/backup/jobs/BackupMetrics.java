package dev.linkstack.backup.jobs;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.store.BackupStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Prometheus view of the backups: alert on a stale last-success time or on growing failures. */
@Startup
@Singleton
public class BackupMetrics {
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
    private final AtomicLong lastDurationMillis = new AtomicLong();
    private final AtomicLong lastSizeBytes = new AtomicLong();
    private final Counter failures;
    private final Counter successes;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    @Inject
    public BackupMetrics(MeterRegistry registry, TargetDatabase target, BackupStore store) {
        this.registry = registry;
        Tags tags = Tags.of("database", target.name());
        meters.add(Gauge.builder("backup.last.success.timestamp", lastSuccessEpochSeconds, AtomicLong::get).tags(tags).baseUnit("seconds")
                .description("Start time of the newest successful backup (Unix time)").register(registry));
        meters.add(Gauge.builder("backup.last.duration", lastDurationMillis, v -> v.get() / 1000.0).tags(tags).baseUnit("seconds")
                .description("Duration of the newest successful backup").register(registry));
        meters.add(Gauge.builder("backup.last.size", lastSizeBytes, AtomicLong::get).tags(tags).baseUnit("bytes")
                .description("Size on disk of the newest successful backup").register(registry));
        failures = Counter.builder("backup.failures").tags(tags).description("Backups that failed since start").register(registry);
        successes = Counter.builder("backup.successes").tags(tags).description("Backups that succeeded since start").register(registry);
        meters.add(failures);
        meters.add(successes);
        // After a restart the gauges describe the newest backup already on disk, not zero.
        try {
            store.list().stream().filter(BackupMetadata::succeeded).filter(b -> target.name().equals(b.database())).findFirst()
                    .ifPresent(this::recordLastSuccess);
        } catch (BackupStore.StoreException e) {
            // An unreadable directory shows up in readiness; the gauges start from zero.
        }
    }

    /**
     * Gauges only weakly reference their values: when a registry outlives this bean (an application restarted in the
     * same JVM), a later registration would get back the stale gauge of the dead bean and report NaN.
     */
    @PreDestroy
    void unregister() {
        meters.forEach(registry::remove);
    }

    void succeeded(BackupMetadata backup) {
        successes.increment();
        recordLastSuccess(backup);
    }

    void failed() {
        failures.increment();
    }

    private void recordLastSuccess(BackupMetadata backup) {
        lastSuccessEpochSeconds.set(backup.startedAt().getEpochSecond());
        lastDurationMillis.set(backup.durationMillis());
        lastSizeBytes.set(backup.sizeBytes());
    }
}
