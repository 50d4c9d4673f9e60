package dev.linkstack.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The class archive a JVM build runs with depends on the JDK that runs it (JDK 25 refuses AppCDS next to the AOT cache). */
class PackagedServiceTest {
    @TempDir
    Path dir;

    private PackagedService packaged() throws IOException {
        Path app = Files.createDirectories(dir.resolve("module/target/quarkus-app"));
        Files.writeString(app.resolve("quarkus-run.jar"), "");
        Files.writeString(app.resolve(PackagedService.JVM_OPTIONS), "-XX:+UseSerialGC\n");
        return PackagedService.jvm(dir.resolve("module"));
    }

    private Path jdk(String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve("jdk-" + version));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    @Test
    void thisJvmBelowJdk25RunsWithTheAppCdsArchiveRightAfterTheJvmOptions() throws IOException {
        PackagedService service = packaged();
        if (Runtime.version().feature() >= PackagedService.AOT_CACHE_JDK) {
            return; // the suite runs on JDK 17+; the JDK 25 forms are checked with a JDK home below
        }
        List<String> command = service.command(List.of("healthcheck"));
        int options = command.indexOf("@" + service.jvmOptions());
        assertEquals("-XX:SharedArchiveFile=" + PackagedService.APPCDS_ARCHIVE, command.get(options + 1), command.toString());
        assertEquals("JVM " + Runtime.version().feature() + ", AppCDS", service.jvmLabel());
        assertThrows(IllegalStateException.class, service::recordingAotCache, "no AOT cache with profiles before JDK 25");
    }

    @Test
    void jdk25ReadsTheAotCacheOnlyWhenATrainingRunRecordedIt() throws IOException {
        PackagedService service = packaged().withJava(jdk("25.0.3"));
        List<String> command = service.command(List.of());
        assertEquals(dir.resolve("jdk-25.0.3/bin/java").toString(), command.get(0));
        assertTrue(command.stream().noneMatch(option -> option.startsWith("-XX:SharedArchiveFile") || option.startsWith("-XX:AOTCache")),
                "no cache yet, no archive option: " + command);
        assertEquals("JVM 25, no AOT cache", service.jvmLabel());
        assertFalse(service.readsAotCache());

        assertEquals(List.of("-XX:AOTCacheOutput=" + PackagedService.AOT_CACHE), service.recordingAotCache().archiveOptions());
        Files.writeString(service.aotCache(), "recorded");
        assertEquals(List.of("-XX:AOTCache=" + PackagedService.AOT_CACHE), service.archiveOptions());
        assertEquals("JVM 25, AOT cache", service.jvmLabel());
        assertTrue(service.readsAotCache());
    }

    @Test
    void jdk21StaysWithAppCds() throws IOException {
        assertEquals(List.of("-XX:SharedArchiveFile=" + PackagedService.APPCDS_ARCHIVE), packaged().withJava(jdk("21.0.7")).archiveOptions());
    }
}
