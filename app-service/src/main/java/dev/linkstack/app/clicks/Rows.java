package dev.linkstack.app.clicks;

import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.postgresql.PGConnection;

import java.lang.reflect.Array;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One statement for many rows, in the current transaction. On PostgreSQL a JDBC batch: a few round trips however many
 * rows (a flush of 3000 links: 143-534 ms one statement at a time, 51-93 ms batched, on the bench/run server). On
 * other databases (the embedded SQLite) one statement a row through Hibernate, which owns how dates are stored there.
 * Statements are written with Hibernate's ordinal parameters ({@code ?1}, which may repeat); for JDBC each becomes a
 * plain {@code ?}.
 */
final class Rows {
    private static final Pattern ORDINAL = Pattern.compile("\\?(\\d+)");
    private final EntityManager em;
    private final boolean postgres;

    Rows(EntityManager em) {
        this.em = em;
        this.postgres = em.unwrap(Session.class).doReturningWork(connection -> "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName()));
    }

    boolean postgres() {
        return postgres;
    }

    /**
     * PostgreSQL only: one statement for all rows, each column one array parameter, a {@code long[]} (sent as a binary
     * bigint[]) or a {@code String[]} (dates as text, cast in the SQL), e.g.
     * {@code INSERT ... SELECT ... FROM unnest(?::bigint[], ?::text[]::date[])}. A query's rows (a locking SELECT) are
     * read and dropped. The columns are of equal length; none, nothing is written.
     */
    void writeColumns(String sql, Object... columns) {
        if (Array.getLength(columns[0]) == 0) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            PGConnection postgres = connection.unwrap(PGConnection.class);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int c = 0; c < columns.length; c++) {
                    statement.setArray(c + 1, columns[c] instanceof long[] numbers
                            ? postgres.createArrayOf("int8", numbers)
                            : connection.createArrayOf("text", (String[]) columns[c]));
                }
                statement.execute();
            }
        });
    }

    void write(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (!postgres) {
            for (Object[] row : rows) {
                var query = em.createNativeQuery(sql);
                for (int i = 0; i < row.length; i++) {
                    query.setParameter(i + 1, row[i]);
                }
                query.executeUpdate();
            }
            return;
        }
        List<Integer> order = new ArrayList<>();
        Matcher ordinal = ORDINAL.matcher(sql);
        StringBuilder jdbc = new StringBuilder();
        while (ordinal.find()) {
            order.add(Integer.parseInt(ordinal.group(1)));
            ordinal.appendReplacement(jdbc, "?");
        }
        ordinal.appendTail(jdbc);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(jdbc.toString())) {
                for (Object[] row : rows) {
                    for (int i = 0; i < order.size(); i++) {
                        statement.setObject(i + 1, row[order.get(i) - 1]);
                    }
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        });
    }
}
