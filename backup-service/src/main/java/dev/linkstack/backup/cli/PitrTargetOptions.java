package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.PointInTimeRestore;
import picocli.CommandLine.Option;

/** {@code --time T | --latest | --restore-point NAME}: where a point-in-time restore (or its proof) recovers to. */
class PitrTargetOptions {
    @Option(names = "--time")
    String time;

    @Option(names = "--latest")
    boolean latest;

    @Option(names = "--restore-point")
    String restorePoint;

    /** How many of the three were given. */
    int given() {
        return (time != null ? 1 : 0) + (latest ? 1 : 0) + (restorePoint != null ? 1 : 0);
    }

    /** The target given; latest when none was. */
    PointInTimeRestore.Target target() {
        return target(java.util.Optional.empty());
    }

    /** The same, with the age identity of an encrypted archive. */
    PointInTimeRestore.Target target(java.util.Optional<String> identity) {
        return new PointInTimeRestore.Target(restorePoint != null ? null : time != null ? time : "latest", restorePoint, identity);
    }
}
