package dev.linkstack.app.errors;

import java.sql.SQLException;

/** Recognises a unique-constraint violation from PostgreSQL (SQLSTATE 23505) or SQLite (code 19). */
public final class UniqueViolation {
    private UniqueViolation() {
    }

    public static boolean isCausedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String message = String.valueOf(sql.getMessage());
                if ("23505".equals(sql.getSQLState()) || message.contains("UNIQUE constraint failed")) {
                    return true;
                }
            }
        }
        return false;
    }
}
