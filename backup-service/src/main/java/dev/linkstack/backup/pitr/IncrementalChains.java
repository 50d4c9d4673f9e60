package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.retention.RetentionPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Chains of incremental base backups: a full base backup and the incrementals taken one on the other after it. Decides
 * what the next base backup is, resolves the chain a restore combines, and keeps every member of a chain while any of
 * its incrementals is kept. Pure but for the manifest lookup, so each rule is tested on made-up base backups.
 */
final class IncrementalChains {
    static final int FIRST_MAJOR = 17;
    /** The parent's manifest in plain text where the stored one is encrypted: pg_basebackup --incremental reads it. */
    static final String PLAIN_MANIFEST = ".backup_manifest";

    private IncrementalChains() {
    }

    /** What was asked for: a full one, an incremental one, or whichever the configuration says is next. */
    enum Kind {
        AUTO, FULL, INCREMENTAL;

        /** "full", "incremental", or none (the configured choice); anything else is a 400 refusal. */
        static Kind parse(String given) {
            if (given == null || given.isBlank()) {
                return AUTO;
            }
            return switch (given.toLowerCase(Locale.ROOT)) {
                case BaseBackup.FULL -> FULL;
                case BaseBackup.INCREMENTAL -> INCREMENTAL;
                default -> throw new PitrRefusal(400, "bad_request", "A base backup's type is \"full\" or \"incremental\", not \"" + given + "\"");
            };
        }
    }

    /** What the server says about incremental backups: its major version and its summarize_wal setting. */
    record Server(int major, String version, boolean summarizeWal) {
    }

    /**
     * The next base backup: full (parent empty) or incremental on {@code parent}; why not incremental when not, and
     * whether that is a problem to warn of (an incremental one was due) or the schedule (a chain is full).
     */
    record Next(Optional<BaseBackup> parent, String fullBecause, boolean warn) {
    }

    /**
     * Picks the parent of the next base backup: the newest one, while its chain is shorter than full-every. An
     * incremental one asked for explicitly that cannot be taken is a 422 with the reason; the configured choice falls
     * back to a full one and says why.
     */
    static Next next(Kind kind, BackupConfig.Base.Incremental settings, Server server, List<BaseBackup> newestFirst, Function<BaseBackup, Path> dirOf) {
        if (kind == Kind.FULL || (kind == Kind.AUTO && (!settings.enabled() || newestFirst.isEmpty()))) {
            return new Next(Optional.empty(), null, false);
        }
        Optional<String> impossible = whyNot(server, newestFirst, dirOf);
        if (impossible.isPresent()) {
            if (kind == Kind.INCREMENTAL) {
                throw new PitrRefusal(422, "incremental_not_possible", "No incremental base backup: " + impossible.get());
            }
            return new Next(Optional.empty(), impossible.get(), true);
        }
        BaseBackup newest = newestFirst.get(0);
        int length = chain(newest, newestFirst).size();
        if (kind == Kind.AUTO && length >= Math.max(1, settings.fullEvery())) {
            return new Next(Optional.empty(), "the chain of " + newest.id() + " holds " + length + " base backups (backup.base.incremental.full-every="
                    + settings.fullEvery() + ")", false);
        }
        return new Next(Optional.of(newest), null, false);
    }

    private static Optional<String> whyNot(Server server, List<BaseBackup> newestFirst, Function<BaseBackup, Path> dirOf) {
        if (server.major() < FIRST_MAJOR) {
            return Optional.of("the server runs PostgreSQL " + server.version() + ", and incremental base backups need PostgreSQL "
                    + FIRST_MAJOR + " or newer");
        }
        if (!server.summarizeWal()) {
            return Optional.of("summarize_wal is off on the server: set summarize_wal = on (PostgreSQL 17+), reload, then take a full base backup");
        }
        if (newestFirst.isEmpty()) {
            return Optional.of("there is no base backup yet to take it against: take a full one first");
        }
        BaseBackup newest = newestFirst.get(0);
        if (newest.serverMajor() != server.major()) {
            return Optional.of("the newest base backup, " + newest.id() + ", is of PostgreSQL " + newest.serverVersion() + ", not of the server's "
                    + server.version());
        }
        if (parentManifest(newest, dirOf.apply(newest)).isEmpty()) {
            return Optional.of("the manifest of the newest base backup, " + newest.id() + ", is not at hand in plain text (fetched from the"
                    + " off-site copy encrypted): take a full one");
        }
        return Optional.empty();
    }

    /** The manifest pg_basebackup --incremental reads: the stored one, or its plain copy beside an encrypted one. */
    static Optional<Path> parentManifest(BaseBackup parent, Path dir) {
        for (Path candidate : List.of(dir.resolve("backup_manifest"), dir.resolve(PLAIN_MANIFEST))) {
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The chain a restore of {@code backup} combines, full base backup first; a 422 refusal when a member is not
     * listed (or the parents loop).
     */
    static List<BaseBackup> chain(BaseBackup backup, List<BaseBackup> all) {
        Map<String, BaseBackup> byId = all.stream().collect(Collectors.toMap(BaseBackup::id, b -> b, (a, b) -> a));
        List<BaseBackup> chain = new ArrayList<>();
        for (BaseBackup member = backup; member != null; ) {
            if (chain.size() > all.size()) {
                throw new PitrRefusal(422, "chain_incomplete", "The parents of base backup " + backup.id() + " form a loop");
            }
            chain.add(member);
            String parent = member.parent();
            if (parent == null) {
                break;
            }
            member = byId.get(parent);
            if (member == null) {
                throw new PitrRefusal(422, "chain_incomplete", "Incremental base backup " + chain.get(chain.size() - 1).id() + " needs base backup "
                        + parent + ", which is not there: restore to a point its chain does not cover, or bring it back (source offsite)");
            }
        }
        Collections.reverse(chain);
        return chain;
    }

    /**
     * The retention decision with every base backup a kept incremental needs moved to the kept ones, so a chain stays
     * whole while any of its members is kept.
     */
    static RetentionPolicy.Decision<BaseBackup> keepChains(RetentionPolicy.Decision<BaseBackup> decision) {
        Map<String, BaseBackup> deleted = new LinkedHashMap<>();
        decision.delete().forEach(b -> deleted.put(b.id(), b));
        Map<String, String> keptBecause = new LinkedHashMap<>(decision.keptBecause());
        List<BaseBackup> keep = new ArrayList<>(decision.keep());
        for (int i = 0; i < keep.size(); i++) {
            BaseBackup child = keep.get(i);
            BaseBackup parent = child.parent() == null ? null : deleted.remove(child.parent());
            if (parent != null) {
                keep.add(parent);
                keptBecause.put(parent.id(), "incremental base backup " + child.id() + " is taken on it");
            }
        }
        keep.sort(java.util.Comparator.comparing(BaseBackup::startedAt).reversed());
        return new RetentionPolicy.Decision<>(keep, List.copyOf(deleted.values()), keptBecause);
    }
}
