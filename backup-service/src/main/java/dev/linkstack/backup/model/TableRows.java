package dev.linkstack.backup.model;

/** Exact row count of one table, taken at backup time (in the dump's snapshot) or after a restore. */
public record TableRows(String schema, String table, long rows) {
}
