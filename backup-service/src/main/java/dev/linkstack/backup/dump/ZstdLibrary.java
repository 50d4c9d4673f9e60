package dev.linkstack.backup.dump;

import dev.linkstack.backup.config.BackupConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.file.Files;

/**
 * Points zstd-jni at the shared library the image installs (backup.zstd-library), before the first zstd backup
 * loads it. Otherwise zstd-jni unpacks its bundled copy into java.io.tmpdir and maps it from there, which a noexec
 * /tmp (Docker mounts a Compose tmpfs so) refuses: every zstd backup would fail. Runs for the service and the CLI.
 */
@ApplicationScoped
class ZstdLibrary {

    void useInstalledLibrary(@Observes StartupEvent started, BackupConfig config) {
        config.zstdLibrary().ifPresent(library -> {
            if (!Files.isRegularFile(library)) {
                throw new IllegalStateException("BACKUP_ZSTD_LIBRARY names no file: " + library);
            }
            // zstd-jni reads this property when its first stream is created (com.github.luben.zstd.util.Native).
            System.setProperty("ZstdNativePath", library.toAbsolutePath().toString());
        });
    }
}
