package dev.linkstack.backup.retention;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/** What retention would delete if it ran now, and why the rest stays; answered by the retention-preview endpoint. */
@RegisterForReflection(targets = {RetentionPreview.class, RetentionPreview.Entry.class, RetentionRules.class})
public record RetentionPreview(String database, RetentionRules rules, List<Entry> delete, List<Entry> keep) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String id, Instant startedAt, long sizeBytes, String keptBecause) {
    }
}
