package dev.linkstack.backup.restore;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A restore test loads the backup into a scratch database that the backup role owns, and that role may not hand
 * objects to the database's owner or set the owner's default privileges (it is not a member of the owner role). The
 * scratch copy therefore leaves out ownership and privileges, as {@code pg_restore --no-owner --no-privileges} does:
 * the data, schema and objects are still all restored and checked. Real restores keep everything.
 */
final class ScratchCopy {
    /** pg_restore's own switches for archives (custom format). */
    static final List<String> PG_RESTORE_OPTIONS = List.of("--no-owner", "--no-privileges");

    private ScratchCopy() {
    }

    /**
     * A plain SQL dump without its ownership and privilege statements: pg_dump writes each of them on one line of its
     * own ({@code ALTER ... OWNER TO ...;}, {@code GRANT}, {@code REVOKE}, {@code ALTER DEFAULT PRIVILEGES}). Rows of
     * COPY blocks pass untouched, whatever they hold.
     */
    static InputStream withoutOwnersAndPrivileges(InputStream dump) {
        InputStream sql = new BufferedInputStream(dump, 64 * 1024);
        return new InputStream() {
            private byte[] line = new byte[0];
            private int position;
            private boolean inCopy;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                while (position == line.length) {
                    if (ended || !nextLine()) {
                        return -1;
                    }
                }
                int n = Math.min(length, line.length - position);
                System.arraycopy(line, position, buffer, offset, n);
                position += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                sql.close();
            }

            private boolean nextLine() throws IOException {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                int b;
                while ((b = sql.read()) >= 0) {
                    bytes.write(b);
                    if (b == '\n') {
                        break;
                    }
                }
                if (b < 0) {
                    ended = true;
                }
                byte[] read = bytes.toByteArray();
                if (read.length == 0) {
                    return false;
                }
                String text = new String(read, StandardCharsets.UTF_8).stripTrailing();
                position = 0;
                if (inCopy) {
                    inCopy = !text.equals("\\.");
                    line = read;
                } else if (text.startsWith("COPY ") && text.endsWith(" FROM stdin;")) {
                    inCopy = true;
                    line = read;
                } else {
                    line = dropped(text) ? new byte[0] : read;
                }
                return true;
            }
        };
    }

    static boolean dropped(String line) {
        return (line.startsWith("ALTER ") && line.contains(" OWNER TO ") && line.endsWith(";"))
                || line.startsWith("ALTER DEFAULT PRIVILEGES ")
                || ((line.startsWith("GRANT ") || line.startsWith("REVOKE ")) && line.endsWith(";"));
    }
}
