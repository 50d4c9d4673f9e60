package dev.linkstack.backup.testing;

import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * Like {@link BackupFaultsResource}, with the real pg_dump, pg_restore and psql, and a pg_dumpall that never ends:
 * a shell that starts a long sleep (so killing only the shell would leave the pipe open) and writes nothing.
 */
public class HungPgDumpallResource implements QuarkusTestResourceLifecycleManager {
    private TestPostgres postgres;
    private Path toolDir;

    @Override
    public Map<String, String> start() {
        postgres = TestPostgres.startInstalled();
        toolDir = Processes.openTempDir("pg-tools-hung-");
        for (String tool : BackupFaultsResource.TOOLS) {
            BackupFaultsResource.linkTool(toolDir, tool);
        }
        try {
            Path pgDumpall = toolDir.resolve("pg_dumpall");
            Files.writeString(pgDumpall, "#!/bin/sh\nsleep 600\n");
            Files.setPosixFilePermissions(pgDumpall, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>(postgres.config());
        config.put("backup.pg-bin-dir", toolDir.toString());
        config.put("backup.pg-search-dirs", toolDir.toString());
        config.put("backup.globals", "true");
        config.put("backup.timeout", "PT5S");
        return config;
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
