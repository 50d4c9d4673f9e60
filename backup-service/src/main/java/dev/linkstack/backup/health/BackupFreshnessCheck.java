package dev.linkstack.backup.health;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;

/**
 * DOWN when the newest successful backup is older than k (backup.freshness.factor, default 2) schedule intervals,
 * i.e. at least one scheduled backup in a row went missing. It is a wellness check (part of /q/health, not of readiness) because a stale backup
 * is an alert, not a reason to cut off the API an operator needs to fix it.
 */
@Wellness
@ApplicationScoped
public class BackupFreshnessCheck implements HealthCheck {
    @Inject
    BackupStore store;

    @Inject
    BackupConfig config;

    @Inject
    Clock clock;

    private Instant startedAt;

    void onStart(@Observes StartupEvent event) {
        startedAt = clock.instant();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("backup-freshness");
        Optional<Duration> interval = scheduleInterval(config.cron());
        if (interval.isEmpty()) {
            return response.withData("schedule", "off").up().build();
        }
        Duration maxAge = Duration.ofMillis(Math.round(interval.get().toMillis() * config.freshness().factor()));
        response.withData("maxAge", maxAge.toString());
        Instant now = clock.instant();
        Optional<BackupMetadata> newest;
        try {
            newest = store.list().stream().filter(BackupMetadata::succeeded).filter(b -> config.db().name().equals(b.database())).findFirst();
        } catch (BackupStore.StoreException e) {
            return response.withData("error", e.getMessage()).down().build();
        }
        if (newest.isPresent()) {
            Instant last = newest.get().startedAt();
            response.withData("lastSuccess", last.toString()).withData("lastBackupId", newest.get().id());
            return response.status(!last.plus(maxAge).isBefore(now)).build();
        }
        // A fresh installation gets the same grace period before it counts as stale.
        Instant since = startedAt == null ? now : startedAt;
        return response.withData("lastSuccess", "none yet").status(!since.plus(maxAge).isBefore(now)).build();
    }

    /** Time between two consecutive runs of the cron; empty when scheduling is off. */
    static Optional<Duration> scheduleInterval(String cron) {
        String value = cron.trim().toLowerCase(Locale.ROOT);
        if (value.equals("off") || value.equals("disabled")) {
            return Optional.empty();
        }
        ExecutionTime times = ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ)).parse(cron));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Optional<ZonedDateTime> next = times.nextExecution(now);
        Optional<ZonedDateTime> afterNext = next.flatMap(times::nextExecution);
        if (next.isEmpty() || afterNext.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(next.get(), afterNext.get()));
    }
}
