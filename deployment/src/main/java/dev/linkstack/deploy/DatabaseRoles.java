package dev.linkstack.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The script that creates the database's owner, app and backup roles on PostgreSQL's first start. One text, shipped as
 * deploy/postgres/init-roles.sh: Compose mounts the file, the Kubernetes component puts the same text in a ConfigMap,
 * and the tests run it against a real server.
 */
public final class DatabaseRoles {
    /** Where the generated script lives in the repository. */
    public static final String SCRIPT_PATH = "deploy/postgres/init-roles.sh";
    /** Where the postgres image looks for init scripts (run once, on an empty data directory). */
    public static final String INIT_DIR = "/docker-entrypoint-initdb.d";
    public static final String SCRIPT_NAME = "10-init-roles.sh";
    /** The superuser the image creates; only the init scripts use it. */
    public static final String SUPERUSER = "postgres";

    private DatabaseRoles() {
    }

    /** The script with the generated-file header; no shebang: the image sources a script that is not executable. */
    static String script(String header) {
        try (InputStream in = DatabaseRoles.class.getResourceAsStream("/postgres/init-roles.sh")) {
            if (in == null) {
                throw new IllegalStateException("postgres/init-roles.sh missing from the deployment module's resources");
            }
            return header + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
