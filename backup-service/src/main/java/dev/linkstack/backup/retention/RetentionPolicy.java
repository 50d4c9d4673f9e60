package dev.linkstack.backup.retention;

import dev.linkstack.backup.model.BackupMetadata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Decides which backups to delete; pure, so every rule is tested against a fixed clock. */
public final class RetentionPolicy {
    private final RetentionRules rules;
    private final Clock clock;

    public RetentionPolicy(RetentionRules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    public RetentionRules rules() {
        return rules;
    }

    /**
     * @param backups successful backups of one database, in any order
     * @return the backups to delete with the reason they are kept or not, newest first
     */
    public Decision decide(List<BackupMetadata> backups) {
        List<BackupMetadata> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparing(BackupMetadata::startedAt).thenComparing(BackupMetadata::id).reversed());

        Map<String, String> keptBecause = new LinkedHashMap<>();
        newestFirst.stream().limit(rules.keepLast()).forEach(b -> keptBecause.putIfAbsent(b.id(), "one of the newest " + rules.keepLast()));

        Instant cutoff = clock.instant().minus(Duration.ofDays(rules.maxAgeDays()));
        // "Older than N days" is strict: a backup exactly N days old stays.
        newestFirst.stream().filter(b -> !b.startedAt().isBefore(cutoff))
                .forEach(b -> keptBecause.putIfAbsent(b.id(), "younger than " + rules.maxAgeDays() + " days"));

        ZoneId zone = clock.getZone();
        keepNewestPerPeriod(newestFirst, rules.keepDaily(), b -> LocalDate.ofInstant(b.startedAt(), zone), "daily", keptBecause);
        keepNewestPerPeriod(newestFirst, rules.keepWeekly(), b -> {
            LocalDate day = LocalDate.ofInstant(b.startedAt(), zone);
            return day.get(IsoFields.WEEK_BASED_YEAR) * 100 + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }, "weekly", keptBecause);
        keepNewestPerPeriod(newestFirst, rules.keepMonthly(), b -> YearMonth.from(LocalDate.ofInstant(b.startedAt(), zone)), "monthly", keptBecause);

        List<BackupMetadata> delete = newestFirst.stream().filter(b -> !keptBecause.containsKey(b.id())).toList();
        List<BackupMetadata> keep = newestFirst.stream().filter(b -> keptBecause.containsKey(b.id())).toList();
        return new Decision(keep, delete, keptBecause);
    }

    /** Keeps the newest backup in each of the {@code count} most recent periods that have a backup. */
    private static void keepNewestPerPeriod(List<BackupMetadata> newestFirst, int count, Function<BackupMetadata, Object> period,
                                            String label, Map<String, String> keptBecause) {
        Set<Object> periods = new HashSet<>();
        for (BackupMetadata backup : newestFirst) {
            if (periods.size() >= count) {
                return;
            }
            if (periods.add(period.apply(backup))) {
                keptBecause.putIfAbsent(backup.id(), label);
            }
        }
    }

    public record Decision(List<BackupMetadata> keep, List<BackupMetadata> delete, Map<String, String> keptBecause) {
    }
}
