package dev.linkstack.app.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the test database directly, to check what the app stored. */
public final class Db {
    private Db() {
    }

    /** First column of every row, as text. */
    public static List<String> column(String sql, Object... params) {
        return columnIn(RealServers.DB_NAME, sql, params);
    }

    /** First column of every row of a query on the given database of the test server. */
    public static List<String> columnIn(String database, String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(RealServers.postgres().jdbcUrl(database), RealServers.DB_USER, RealServers.DB_PASSWORD);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long number(String sql, Object... params) {
        return Long.parseLong(column(sql, params).get(0));
    }
}
