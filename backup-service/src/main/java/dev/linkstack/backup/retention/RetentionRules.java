package dev.linkstack.backup.retention;

import dev.linkstack.backup.config.BackupConfig;

import java.util.Optional;

/**
 * Which successful backups survive: everything younger than {@code maxAgeDays}, the newest {@code keepLast} whatever
 * their age, and, with grandfather-father-son, the newest backup of each of the last N days, ISO weeks and months.
 */
public record RetentionRules(int maxAgeDays, int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {

    public RetentionRules {
        if (maxAgeDays < 0 || keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
            throw new IllegalArgumentException("retention counts must not be negative");
        }
    }

    public static RetentionRules from(BackupConfig.Retention config) {
        return new RetentionRules(config.days(), config.keepLast(), config.keepDaily(), config.keepWeekly(), config.keepMonthly());
    }

    /** The rules of base backups: the dumps' rules, each overridden by its backup.base.retention.* setting when set. */
    public static RetentionRules forBaseBackups(BackupConfig config) {
        RetentionRules dumps = from(config.retention());
        BackupConfig.Base.RetentionOverrides base = config.base().retention();
        return new RetentionRules(base.days().orElse(dumps.maxAgeDays()), base.keepLast().orElse(dumps.keepLast()),
                base.keepDaily().orElse(dumps.keepDaily()), base.keepWeekly().orElse(dumps.keepWeekly()),
                base.keepMonthly().orElse(dumps.keepMonthly()));
    }

    /**
     * Why these rules would keep nothing, or empty when they keep something: with every count 0 and an age of 0 days
     * retention would delete the backup it runs after.
     */
    public Optional<String> keepsNothing(String settings) {
        if (maxAgeDays == 0 && keepLast == 0 && !grandfatherFatherSon()) {
            return Optional.of(settings + " keep nothing (days=0 and keep-last=0, no daily/weekly/monthly): set keep-last to 1 or more");
        }
        return Optional.empty();
    }

    public boolean grandfatherFatherSon() {
        return keepDaily > 0 || keepWeekly > 0 || keepMonthly > 0;
    }
}
