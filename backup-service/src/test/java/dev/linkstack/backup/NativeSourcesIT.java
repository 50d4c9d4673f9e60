package dev.linkstack.backup;

import dev.linkstack.testing.NativeSources;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs after {@code -Dnative -Dquarkus.native.sources-only=true}: the native build got as far as native-image
 * would start, with the JSON types, templates and the zstd JNI library registered.
 */
class NativeSourcesIT {
    private final NativeSources sources = new NativeSources(Path.of("target", "native-sources"));

    @Test
    void theImageIsBuiltWithoutFallback() {
        String args = sources.arguments();
        assertTrue(args.contains("--no-fallback") && args.contains("io.quarkus.runner.Feature"), args);
    }

    @Test
    void jsonTypesAreRegisteredForReflection() {
        String reflection = sources.configuration("reflect-config.json");
        for (String type : List.of("dev.linkstack.backup.backup.BackupMetadata", "dev.linkstack.backup.backup.BackupJob",
                "dev.linkstack.backup.restore.VerifyReport", "dev.linkstack.backup.api.RestoreRequest", "dev.linkstack.backup.api.ApiError",
                "dev.linkstack.backup.postgres.TargetDatabase$TableRows", "dev.linkstack.backup.backup.BackupMetadata$Verification",
                "dev.linkstack.backup.api.VerifyRequest", "dev.linkstack.backup.retention.RetentionPreview", "dev.linkstack.backup.runs.RunManifest")) {
            assertTrue(reflection.contains("\"" + type + "\""), type + " not registered for reflection");
        }
    }

    @Test
    void theZstdNativeLibraryAndItsJniCallbacksAreRegistered() {
        assertTrue(sources.configuration("jni-config.json").contains("\"com.github.luben.zstd.ZstdOutputStreamNoFinalizer\""), "zstd JNI classes");
        String resources = sources.configuration("resource-config.json");
        assertTrue(resources.contains("linux/amd64/libzstd-jni"), "zstd native library");
        assertTrue(resources.contains("templates/ui/backups.html"), "page templates");
    }
}
