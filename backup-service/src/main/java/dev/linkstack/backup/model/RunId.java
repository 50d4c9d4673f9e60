package dev.linkstack.backup.model;

import java.time.Instant;
import java.util.regex.Pattern;

/** Ids of backup runs (several databases and/or globals): {@code run-<UTC start, as in backup ids>}. */
public final class RunId {
    private static final Pattern VALID = Pattern.compile("run-[0-9]{8}T[0-9]{9}Z");

    private RunId() {
    }

    public static String create(Instant startedAt) {
        return "run-" + BackupId.stamp(startedAt);
    }

    public static boolean isValid(String runId) {
        return runId != null && VALID.matcher(runId).matches();
    }
}
