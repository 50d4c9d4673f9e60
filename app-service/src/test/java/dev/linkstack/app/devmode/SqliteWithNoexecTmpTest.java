package dev.linkstack.app.devmode;

import dev.linkstack.testing.TmpfsMount;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dev image's SQLite under a noexec /tmp, as the dev Compose file mounts it: sqlite-jdbc unpacks its native
 * library into java.io.tmpdir and cannot load it from there; named with org.sqlite.lib.path and org.sqlite.lib.name,
 * as Dockerfile.embedded installs it (DockerfilesTest), it loads. Each case in a JVM of its own.
 */
class SqliteWithNoexecTmpTest {
    static final String LIBRARY = "org/sqlite/native/Linux/x86_64/libsqlitejdbc.so";

    @Test
    void theInstalledLibraryLoadsWhereTheUnpackedOneCannot() throws Exception {
        Assumptions.assumeTrue(TmpfsMount.supported(), "mounting a noexec tmpfs needs root (CAP_SYS_ADMIN)");
        Path jar = Path.of(org.sqlite.JDBC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path installed = Files.createTempDirectory(Path.of("target"), "sqlite-native-");
        try (ZipFile zip = new ZipFile(jar.toFile()); InputStream in = zip.getInputStream(zip.getEntry(LIBRARY))) {
            Files.copy(in, installed.resolve("libsqlitejdbc.so"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path tmp = Files.createTempDirectory(Path.of("target"), "noexec-tmp-");
        try (TmpfsMount noexec = TmpfsMount.mountNoexec(tmp, "64m")) {
            Probe unpacked = probe(jar, noexec.dir(), List.of());
            assertNotEquals(0, unpacked.exit, "sqlite-jdbc unpacked into a noexec tmp cannot load (the control of this test): " + unpacked.output);
            Probe fixed = probe(jar, noexec.dir(), List.of("-Dorg.sqlite.lib.path=" + installed.toAbsolutePath(), "-Dorg.sqlite.lib.name=libsqlitejdbc.so"));
            assertEquals(0, fixed.exit, fixed.output);
            assertTrue(fixed.output.contains("stored https://example.org/dev"), fixed.output);
        }
    }

    private record Probe(int exit, String output) {
    }

    private static Probe probe(Path sqliteJar, Path tmpdir, List<String> properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmpdir));
        command.addAll(properties);
        command.addAll(List.of("-cp", sqliteJar + java.io.File.pathSeparator + Path.of("target/test-classes").toAbsolutePath(),
                SqliteProbe.class.getName(), tmpdir.resolve("probe-" + System.nanoTime() + ".db").toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not end: " + output);
        return new Probe(process.exitValue(), output);
    }
}
