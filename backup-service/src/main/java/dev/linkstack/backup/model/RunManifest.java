package dev.linkstack.backup.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * One backup run over several databases (and optionally the cluster's roles and tablespaces): the backups it made,
 * one per database, and the globals file. Written last, so a listed run is complete.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RegisterForReflection
public record RunManifest(
        String runId,
        Instant startedAt,
        Instant finishedAt,
        List<String> databases,
        List<String> backupIds,
        String globalsFile,
        String globalsSha256,
        /** false when the role could not read role passwords (not a superuser): restored roles then have none. */
        Boolean rolePasswords,
        String encryption,
        /** HMAC-SHA256 by the service's signing key over the manifest, the globals' checksum included; null unsigned. */
        String signature) {

    public RunManifest withSignature(String signature) {
        return new RunManifest(runId, startedAt, finishedAt, databases, backupIds, globalsFile, globalsSha256, rolePasswords, encryption, signature);
    }
}
