package dev.linkstack.backup.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.linkstack.backup.model.TableRows;

import java.util.List;

/** Outcome of restoring a backup into a throwaway database. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.quarkus.runtime.annotations.RegisterForReflection(targets = {VerifyReport.class, TableRows.class}) // sent inside a Response
public record VerifyReport(
        String backupId,
        boolean ok,
        boolean checksumOk,
        String error,
        String scratchDatabase,
        List<TableRows> tables,
        Long totalRows,
        long durationMillis) {
}
