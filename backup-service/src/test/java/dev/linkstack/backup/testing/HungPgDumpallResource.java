package dev.linkstack.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Like {@link BackupFaultsResource}, with the real pg_dump, pg_restore and psql, and a pg_dumpall that never ends:
 * a shell that starts a long sleep (so killing only the shell would leave the pipe open) and writes nothing. Runs
 * include the globals, with a 5 s time limit.
 */
public class HungPgDumpallResource extends BackupFaultsResource {

    @Override
    protected void configure(Path toolDir, Map<String, String> config) {
        try {
            Path pgDumpall = toolDir.resolve("pg_dumpall");
            Files.writeString(pgDumpall, "#!/bin/sh\nsleep 600\n");
            Files.setPosixFilePermissions(pgDumpall, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("backup.globals", "true");
        config.put("backup.timeout", "PT5S");
    }
}
