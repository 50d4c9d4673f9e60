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
    public Decision<BackupMetadata> decide(List<BackupMetadata> backups) {
        return decide(backups, b -> new Candidate(b.id(), b.startedAt(),
                b.lastVerification() == null ? null : b.lastVerification().ok()));
    }

    /**
     * The same rules for anything else that is kept the way backups are (base backups of point-in-time recovery).
     *
     * @param backups  backups in any order
     * @param describe what the rules look at in one of them
     */
    public <T> Decision<T> decide(List<T> backups, Function<T, Candidate> describe) {
        Map<String, T> byId = new LinkedHashMap<>();
        List<Candidate> newestFirst = new ArrayList<>();
        for (T backup : backups) {
            Candidate candidate = describe.apply(backup);
            byId.put(candidate.id(), backup);
            newestFirst.add(candidate);
        }
        newestFirst.sort(Comparator.comparing(Candidate::startedAt).thenComparing(Candidate::id).reversed());

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

        keepProvenGood(newestFirst, keptBecause);

        List<T> delete = newestFirst.stream().filter(b -> !keptBecause.containsKey(b.id())).map(b -> byId.get(b.id())).toList();
        List<T> keep = newestFirst.stream().filter(b -> keptBecause.containsKey(b.id())).map(b -> byId.get(b.id())).toList();
        return new Decision<>(keep, delete, keptBecause);
    }

    /**
     * Whatever the rules say, the newest backup that passed its restore test stays, and so does at least one backup not
     * known to fail it: a month of failing restore tests must not take the last backup that restores with it.
     */
    private static void keepProvenGood(List<Candidate> newestFirst, Map<String, String> keptBecause) {
        newestFirst.stream().filter(b -> Boolean.TRUE.equals(b.restoreTestPassed())).findFirst()
                .ifPresent(b -> keptBecause.putIfAbsent(b.id(), "the newest backup that passed its restore test"));
        boolean keepsAGoodOne = newestFirst.stream().anyMatch(b -> keptBecause.containsKey(b.id()) && !b.failedRestoreTest());
        if (!keepsAGoodOne) {
            newestFirst.stream().filter(b -> !b.failedRestoreTest()).findFirst()
                    .ifPresent(b -> keptBecause.putIfAbsent(b.id(), "the newest backup not known to fail its restore test"));
        }
    }

    /** Keeps the newest backup in each of the {@code count} most recent periods that have a backup. */
    private static void keepNewestPerPeriod(List<Candidate> newestFirst, int count, Function<Candidate, Object> period,
                                            String label, Map<String, String> keptBecause) {
        Set<Object> periods = new HashSet<>();
        for (Candidate backup : newestFirst) {
            if (periods.size() >= count) {
                return;
            }
            if (periods.add(period.apply(backup))) {
                keptBecause.putIfAbsent(backup.id(), label);
            }
        }
    }

    public record Decision<T>(List<T> keep, List<T> delete, Map<String, String> keptBecause) {
    }

    /**
     * What the rules look at in a backup: its id, when it started, and its last restore test ({@code null} when it
     * has none).
     */
    public record Candidate(String id, Instant startedAt, Boolean restoreTestPassed) {
        boolean failedRestoreTest() {
            return Boolean.FALSE.equals(restoreTestPassed);
        }
    }
}
