package dev.linkstack.backup.restore;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The scratch copy of a plain dump: owners and privileges left out, every other line (and every row) byte for byte. */
class ScratchCopyTest {

    @Test
    void ownershipAndPrivilegeStatementsAreLeftOutAndRowsAreNot() throws IOException {
        String dump = String.join("\n",
                "CREATE TABLE public.t (",
                "    id bigint NOT NULL,",
                "    v text",
                ");",
                "ALTER TABLE public.t OWNER TO linkstack_owner;",
                "ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;",
                "COPY public.t (id, v) FROM stdin;",
                "1\tALTER TABLE x OWNER TO y;",
                "2\tGRANT ALL ON t TO everyone;",
                "\\.",
                "REVOKE USAGE ON SCHEMA public FROM PUBLIC;",
                "GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.t TO linkstack_app;",
                "ALTER DEFAULT PRIVILEGES FOR ROLE linkstack_owner IN SCHEMA public GRANT SELECT,INSERT,DELETE,UPDATE ON TABLES  TO linkstack_app;",
                "SELECT 'ünïcode';",
                "") ;
        String expected = String.join("\n",
                "CREATE TABLE public.t (",
                "    id bigint NOT NULL,",
                "    v text",
                ");",
                "ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;",
                "COPY public.t (id, v) FROM stdin;",
                "1\tALTER TABLE x OWNER TO y;",
                "2\tGRANT ALL ON t TO everyone;",
                "\\.",
                "SELECT 'ünïcode';",
                "");
        try (InputStream copy = ScratchCopy.withoutOwnersAndPrivileges(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(expected, new String(copy.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
