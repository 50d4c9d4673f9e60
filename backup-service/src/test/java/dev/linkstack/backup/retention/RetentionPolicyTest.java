package dev.linkstack.backup.retention;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.testing.Backups;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionPolicyTest {
    private static final Instant NOW = Instant.parse("2026-03-18T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void deletesBackupsOlderThanTheWindowBeyondTheNewestK() {
        List<BackupMetadata> backups = daysAgo(1, 10, 29, 31, 45, 100);
        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 3, 0, 0, 0), CLOCK).decide(shuffled(backups));
        assertEquals(startDays(daysAgo(1, 10, 29)), startDays(decision.keep()));
        assertEquals(startDays(daysAgo(31, 45, 100)), startDays(decision.delete()));
    }

    @Test
    void alwaysKeepsTheNewestKEvenWhenAllAreTooOld() {
        List<BackupMetadata> backups = daysAgo(40, 50, 60, 70, 80);
        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 3, 0, 0, 0), CLOCK).decide(shuffled(backups));
        assertEquals(startDays(daysAgo(40, 50, 60)), startDays(decision.keep()));
        assertEquals(startDays(daysAgo(70, 80)), startDays(decision.delete()));
        assertTrue(decision.keptBecause().values().stream().allMatch(reason -> reason.startsWith("one of the newest")));
    }

    @Test
    void fewerBackupsThanTheFloorAreAllKept() {
        List<BackupMetadata> backups = daysAgo(100, 200);
        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 3, 0, 0, 0), CLOCK).decide(backups);
        assertEquals(2, decision.keep().size());
        assertTrue(decision.delete().isEmpty());
    }

    @Test
    void aBackupExactlyNDaysOldIsNotOlderThanNDays() {
        BackupMetadata exactly = Backups.metadata("shop", NOW.minus(Duration.ofDays(30)));
        BackupMetadata justOlder = Backups.metadata("shop", NOW.minus(Duration.ofDays(30)).minusSeconds(1));
        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 0, 0, 0, 0), CLOCK).decide(List.of(exactly, justOlder));
        assertEquals(List.of(exactly), decision.keep());
        assertEquals(List.of(justOlder), decision.delete());
    }

    @Test
    void grandfatherFatherSonKeepsTheNewestOfEachDayWeekAndMonth() {
        List<BackupMetadata> backups = new ArrayList<>();
        for (LocalDate day = LocalDate.parse("2026-01-01"); !day.isAfter(LocalDate.parse("2026-03-18")); day = day.plusDays(1)) {
            backups.add(Backups.metadata("shop", day.atTime(3, 0).toInstant(ZoneOffset.UTC)));
        }
        BackupMetadata newest = Backups.metadata("shop", Instant.parse("2026-03-18T09:00:00Z"));
        backups.add(newest);

        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(0, 1, 3, 2, 2), CLOCK).decide(shuffled(backups));

        Set<Instant> kept = decision.keep().stream().map(BackupMetadata::startedAt).collect(Collectors.toSet());
        assertEquals(Set.of(
                Instant.parse("2026-03-18T09:00:00Z"),   // newest (keep-last) and newest of today, this week and this month
                Instant.parse("2026-03-17T03:00:00Z"),   // daily
                Instant.parse("2026-03-16T03:00:00Z"),   // daily (Monday of this ISO week)
                Instant.parse("2026-03-15T03:00:00Z"),   // weekly: Sunday closes the previous ISO week
                Instant.parse("2026-02-28T03:00:00Z")),  // monthly: newest of February
                kept);
        assertEquals(backups.size() - 5, decision.delete().size());
        assertTrue(decision.delete().stream().anyMatch(b -> b.startedAt().equals(Instant.parse("2026-03-18T03:00:00Z"))),
                "only the newest backup of a day counts as its daily");
        assertEquals("weekly", decision.keptBecause().get(Backups.metadata("shop", Instant.parse("2026-03-15T03:00:00Z")).id()));
        assertEquals("monthly", decision.keptBecause().get(Backups.metadata("shop", Instant.parse("2026-02-28T03:00:00Z")).id()));
    }

    @Test
    void gfsKeepsOldMonthliesBeyondTheAgeWindow() {
        List<BackupMetadata> backups = List.of(
                Backups.metadata("shop", Instant.parse("2026-03-18T03:00:00Z")),
                Backups.metadata("shop", Instant.parse("2025-12-31T03:00:00Z")),
                Backups.metadata("shop", Instant.parse("2025-12-01T03:00:00Z")),
                Backups.metadata("shop", Instant.parse("2025-11-30T03:00:00Z")),
                Backups.metadata("shop", Instant.parse("2025-10-15T03:00:00Z")));
        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 1, 0, 0, 3), CLOCK).decide(backups);
        assertEquals(List.of(Instant.parse("2026-03-18T03:00:00Z"), Instant.parse("2025-12-31T03:00:00Z"), Instant.parse("2025-11-30T03:00:00Z")),
                decision.keep().stream().map(BackupMetadata::startedAt).toList());
    }

    @Test
    void nothingToDecideOnAnEmptyDirectory() {
        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 3, 1, 1, 1), CLOCK).decide(List.of());
        assertTrue(decision.keep().isEmpty() && decision.delete().isEmpty());
    }

    @Test
    void negativeCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionRules(-1, 3, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetentionRules(30, -3, 0, 0, 0));
    }

    @Test
    void aMonthOfFailedRestoreTestsKeepsTheNewestBackupThatPassed() {
        List<BackupMetadata> backups = new ArrayList<>();
        for (int day = 1; day <= 30; day++) {
            backups.add(verified(NOW.minus(Duration.ofDays(day)), false));
        }
        BackupMetadata lastGood = verified(NOW.minus(Duration.ofDays(31)), true);
        BackupMetadata olderGood = verified(NOW.minus(Duration.ofDays(32)), true);
        backups.add(lastGood);
        backups.add(olderGood);

        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 3, 0, 0, 0), CLOCK).decide(shuffled(backups));

        assertTrue(decision.keep().contains(lastGood), "the newest backup that restores stays");
        assertEquals("the newest backup that passed its restore test", decision.keptBecause().get(lastGood.id()));
        assertEquals(List.of(olderGood), decision.delete(), "an older good one may go: a newer good one stays");
    }

    @Test
    void withNoPassedRestoreTestTheNewestUntestedBackupStays() {
        List<BackupMetadata> backups = new ArrayList<>(List.of(
                verified(NOW.minus(Duration.ofDays(40)), false),
                verified(NOW.minus(Duration.ofDays(41)), false)));
        BackupMetadata untested = Backups.metadata("shop", NOW.minus(Duration.ofDays(42)));
        backups.add(untested);
        backups.add(Backups.metadata("shop", NOW.minus(Duration.ofDays(43))));

        RetentionPolicy.Decision<BackupMetadata> decision = new RetentionPolicy(new RetentionRules(30, 2, 0, 0, 0), CLOCK).decide(shuffled(backups));

        assertEquals(3, decision.keep().size());
        assertEquals("the newest backup not known to fail its restore test", decision.keptBecause().get(untested.id()));
    }

    @Test
    void rulesThatKeepNothingAreNamed() {
        assertTrue(new RetentionRules(0, 0, 0, 0, 0).keepsNothing("BACKUP_RETENTION_DAYS and BACKUP_KEEP_LAST").orElseThrow()
                .startsWith("BACKUP_RETENTION_DAYS and BACKUP_KEEP_LAST keep nothing"));
        assertTrue(new RetentionRules(0, 1, 0, 0, 0).keepsNothing("x").isEmpty());
        assertTrue(new RetentionRules(1, 0, 0, 0, 0).keepsNothing("x").isEmpty());
        assertTrue(new RetentionRules(0, 0, 1, 0, 0).keepsNothing("x").isEmpty());
        assertTrue(new RetentionRules(0, 0, 0, 0, 1).keepsNothing("x").isEmpty());
    }

    private static BackupMetadata verified(Instant startedAt, boolean ok) {
        return Backups.metadata("shop", startedAt)
                .withVerification(new BackupMetadata.Verification(startedAt.plusSeconds(60), ok, "schedule", ok ? null : "restore failed", 10));
    }

    private static List<BackupMetadata> daysAgo(int... days) {
        List<BackupMetadata> backups = new ArrayList<>();
        for (int d : days) {
            backups.add(Backups.metadata("shop", NOW.minus(Duration.ofDays(d))));
        }
        return backups;
    }

    private static List<Long> startDays(List<BackupMetadata> backups) {
        return backups.stream().map(b -> Duration.between(b.startedAt(), NOW).toDays()).sorted().toList();
    }

    private static List<BackupMetadata> shuffled(List<BackupMetadata> backups) {
        List<BackupMetadata> copy = new ArrayList<>(backups);
        Collections.shuffle(copy, new java.util.Random(42));
        return copy;
    }
}
