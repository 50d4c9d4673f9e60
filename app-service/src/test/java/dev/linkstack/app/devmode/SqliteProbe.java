package dev.linkstack.app.devmode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Run in a JVM of its own: opens a SQLite file, writes a row and reads it back; exit 0 when all of that worked. */
public final class SqliteProbe {
    private SqliteProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE links (code TEXT PRIMARY KEY, url TEXT NOT NULL)");
            statement.execute("INSERT INTO links VALUES ('dev', 'https://example.org/dev')");
            try (ResultSet rows = statement.executeQuery("SELECT url FROM links WHERE code = 'dev'")) {
                rows.next();
                System.out.println("stored " + rows.getString(1));
            }
        }
    }
}
