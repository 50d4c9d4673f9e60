package dev.linkstack.backup.testing;

import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Like {@link PostgresResource}, but the service finds its PostgreSQL client programs through a directory of
 * symlinks the test may break (to take pg_dump away without touching the system's installation).
 */
public class BackupFaultsResource implements QuarkusTestResourceLifecycleManager {
    public static final String[] TOOLS = {"pg_dump", "pg_restore", "psql"};

    private TestPostgres postgres;
    private Path toolDir;

    @Override
    public Map<String, String> start() {
        postgres = TestPostgres.startInstalled();
        toolDir = Processes.openTempDir("pg-tools-");
        for (String tool : TOOLS) {
            linkTool(toolDir, tool);
        }
        Map<String, String> config = new HashMap<>(postgres.config());
        config.put("backup.pg-bin-dir", toolDir.toString());
        // Only these links count: the installed clients elsewhere would stand in for a removed pg_dump.
        config.put("backup.pg-search-dirs", toolDir.toString());
        configure(toolDir, config);
        return config;
    }

    /** For resources built on this one: more tools or settings. */
    protected void configure(Path toolDir, Map<String, String> config) {
    }

    /** (Re)creates the symlink of one client program in the tool directory. */
    public static void linkTool(Path toolDir, String tool) {
        try {
            Files.deleteIfExists(toolDir.resolve(tool));
            Files.createSymbolicLink(toolDir.resolve(tool), Path.of(TestPostgres.clientBinDir(), tool));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(postgres, new TestInjector.AnnotatedAndMatchesType(InjectPostgres.class, TestPostgres.class));
    }

    @Override
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            if (toolDir != null) {
                Processes.deleteRecursively(toolDir);
            }
        }
    }
}
