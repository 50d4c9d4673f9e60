package dev.linkstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What can be checked of the images without a Docker engine. */
class DockerfilesTest {
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)");
    static final List<String> DOCKERFILES = List.of(
            "app-service/src/main/docker/Dockerfile.jvm",
            "app-service/src/main/docker/Dockerfile.native",
            "app-service/src/main/docker/Dockerfile.native-multistage",
            "app-service/src/main/docker/Dockerfile.embedded",
            "backup-service/src/main/docker/Dockerfile.jvm",
            "backup-service/src/main/docker/Dockerfile.jvm-multistage",
            "backup-service/src/main/docker/Dockerfile.native",
            "backup-service/src/main/docker/Dockerfile.native-multistage");
    static final List<String> FROM_SOURCE = List.of(
            "app-service/src/main/docker/Dockerfile.native-multistage",
            "app-service/src/main/docker/Dockerfile.embedded",
            "backup-service/src/main/docker/Dockerfile.jvm-multistage",
            "backup-service/src/main/docker/Dockerfile.native-multistage");

    static final List<String> JVM_IMAGES = List.of(
            "app-service/src/main/docker/Dockerfile.jvm",
            "backup-service/src/main/docker/Dockerfile.jvm",
            "backup-service/src/main/docker/Dockerfile.jvm-multistage");

    @Test
    void everyImageBuiltByComposeHasItsDockerfile() {
        for (String file : List.of(ComposeFilesTest.PRODUCTION, ComposeFilesTest.DEV)) {
            RepositoryFiles.yaml(file).path("services").forEach(service -> {
                JsonNode dockerfile = service.at("/build/dockerfile");
                if (!dockerfile.isMissingNode()) {
                    assertTrue(DOCKERFILES.contains(dockerfile.asText()), dockerfile.asText() + " is not among the checked Dockerfiles");
                }
            });
        }
    }

    @Test
    void imagesArePinnedAndRunAsNonRoot() {
        for (String file : DOCKERFILES) {
            String text = RepositoryFiles.read(file);
            List<String> bases = all(FROM, text);
            assertFalse(bases.isEmpty(), file);
            bases.forEach(base -> assertTrue(base.contains(":") && !base.endsWith(":latest"), file + ": pin " + base));
            List<String> users = all(USER, text);
            assertFalse(users.isEmpty(), file + " sets no USER");
            String finalUser = users.get(users.size() - 1);
            assertFalse(finalUser.equals("root") || finalUser.equals("0"), file + " ends as root");
        }
    }

    @Test
    void sourceBuildsCopyEveryModulePomOfTheReactor() {
        List<String> modules = all(Pattern.compile("<module>([^<]+)</module>"), RepositoryFiles.read("pom.xml"));
        for (String file : FROM_SOURCE) {
            String text = RepositoryFiles.read(file);
            for (String module : modules) {
                // Maven refuses to build one module of a reactor whose other module poms are missing.
                assertTrue(text.contains("COPY " + module + "/pom.xml") || text.contains("COPY --chown=quarkus:quarkus " + module + "/pom.xml"),
                        file + " does not copy " + module + "/pom.xml");
            }
        }
    }

    @Test
    void nativeSourceBuildsRunNativeImageInsideTheBuilderNotInANestedContainer() {
        for (String file : List.of("app-service/src/main/docker/Dockerfile.native-multistage", "backup-service/src/main/docker/Dockerfile.native-multistage")) {
            String text = RepositoryFiles.read(file);
            assertTrue(text.contains("-Dnative") && text.contains("-Dquarkus.native.container-build=false"), file);
            assertTrue(text.contains("HEALTHCHECK") && text.contains("\"healthcheck\""), file + " checks itself without curl");
        }
    }

    @Test
    void multiStageImagesBuildFromSourceAndTheNativeOneUsesTheMandrelBuilder() {
        for (String file : FROM_SOURCE) {
            assertTrue(all(FROM, RepositoryFiles.read(file)).size() >= 2, file + " is multi-stage");
        }
        String nativeBuild = RepositoryFiles.read("app-service/src/main/docker/Dockerfile.native-multistage");
        assertTrue(nativeBuild.contains("quarkus-mandrel-builder-image") && nativeBuild.contains("-Dnative"));
        assertTrue(nativeBuild.contains("ubi9-quarkus-micro-image"));
        String backup = RepositoryFiles.read("backup-service/src/main/docker/Dockerfile.jvm-multistage");
        assertTrue(backup.contains("ARG PG_CLIENT_VERSION=16"), "pg_dump of the production server's major version");
    }

    @Test
    void nativeSourceBuildsUseTheBuilderImageTheModulesAreConfiguredWith() {
        for (String module : List.of("app-service", "backup-service")) {
            String configured = RepositoryFiles.read(module + "/src/main/resources/application.properties").lines()
                    .filter(line -> line.startsWith("quarkus.native.builder-image=")).map(line -> line.substring(line.indexOf('=') + 1))
                    .findFirst().orElseThrow(() -> new AssertionError(module + " pins no quarkus.native.builder-image"));
            assertTrue(configured.endsWith(":jdk-25"), module + ": the builder is GraalVM/Mandrel 25, like the toolchain the tests build with: " + configured);
            String text = RepositoryFiles.read(module + "/src/main/docker/Dockerfile.native-multistage");
            assertEquals(configured, all(FROM, text).get(0), module + ": the image builds with the same builder as -Dnative");
        }
    }

    @Test
    void theNativeBackupImagesCarryThePostgresClients14To17AndTheCommandLine() {
        for (String file : List.of("backup-service/src/main/docker/Dockerfile.native", "backup-service/src/main/docker/Dockerfile.native-multistage")) {
            String text = RepositoryFiles.read(file);
            assertTrue(text.contains("ARG PG_CLIENT_VERSION=16"), file + ": pg_dump of the production server's major version");
            for (String major : List.of("14", "15", "17")) {
                assertTrue(text.contains("postgresql-client-" + major), file + " lacks the PostgreSQL " + major + " client");
            }
            assertTrue(text.contains("postgresql-client-${PG_CLIENT_VERSION}"), file);
            assertTrue(text.contains("ln -s /work/application /usr/local/bin/backup-service"), file + ": `backup-service <command>` as in the JVM image");
            assertTrue(text.contains("CMD [\"./application\", \"healthcheck\"]"), file + " checks itself without curl");
        }
    }

    @Test
    void backupImagesCarryTheServerOfTheProductionMajorForTheRestoreProofWithoutACluster() {
        for (String file : List.of("backup-service/src/main/docker/Dockerfile.jvm", "backup-service/src/main/docker/Dockerfile.jvm-multistage",
                "backup-service/src/main/docker/Dockerfile.native", "backup-service/src/main/docker/Dockerfile.native-multistage")) {
            String text = RepositoryFiles.read(file);
            assertTrue(text.contains(" postgresql-${PG_CLIENT_VERSION} "), file + " lacks the PostgreSQL server the restore proof starts");
            assertTrue(text.indexOf("create_main_cluster = false") >= 0
                    && text.indexOf("create_main_cluster = false") < text.indexOf(" postgresql-${PG_CLIENT_VERSION} "), file + ": no cluster at install");
        }
    }

    @Test
    void backupImagesInstallZstdJniSoZstdBackupsWorkWithANoexecTmp() {
        for (String file : List.of("backup-service/src/main/docker/Dockerfile.jvm", "backup-service/src/main/docker/Dockerfile.jvm-multistage",
                "backup-service/src/main/docker/Dockerfile.native", "backup-service/src/main/docker/Dockerfile.native-multistage")) {
            String text = RepositoryFiles.read(file);
            assertTrue(text.contains("target/zstd-jni/linux/amd64/libzstd-jni-*.so /usr/local/lib/libzstd-jni.so"), file + " installs no zstd-jni library");
            assertTrue(text.contains("BACKUP_ZSTD_LIBRARY=/usr/local/lib/libzstd-jni.so"), file + " does not name it");
        }
    }

    /** What SqliteWithNoexecTmpTest (app-service) shows to work with a noexec /tmp, which the dev Compose file mounts. */
    @Test
    void theDevImageInstallsSqliteJdbcsLibrarySoItLoadsWithANoexecTmp() {
        String text = RepositoryFiles.read("app-service/src/main/docker/Dockerfile.embedded");
        assertTrue(text.contains("jar xf /code/app-service/target/quarkus-app/lib/main/org.xerial.sqlite-jdbc-*.jar org/sqlite/native/Linux/x86_64/libsqlitejdbc.so"),
                "the dev image takes sqlite-jdbc's library out of its jar");
        assertTrue(text.contains("/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so /usr/local/lib/libsqlitejdbc.so"), "the dev image installs it");
        assertTrue(text.contains("-Dorg.sqlite.lib.path=/usr/local/lib -Dorg.sqlite.lib.name=libsqlitejdbc.so"), "the dev image does not name it");
        assertTrue(RepositoryFiles.read(ComposeFilesTest.DEV).contains("- /tmp"), "the reason: /tmp is a (noexec) tmpfs in the dev Compose file");
    }

    @Test
    void jvmImagesRunWithTheJvmOptionsTheTestsAndBenchmarksUse() {
        for (String module : List.of("app-service", "backup-service")) {
            String options = RepositoryFiles.read(module + "/src/main/jvm/jvm.options");
            // Which class archive depends on the JDK (PackagedService.archiveOptions adds it); JDK 25 refuses both at once.
            assertFalse(options.lines().anyMatch(line -> line.startsWith("-XX:SharedArchiveFile") || line.startsWith("-XX:AOTCache")),
                    module + ": jvm.options names no class archive");
        }
        for (String file : JVM_IMAGES) {
            String text = RepositoryFiles.read(file);
            // PackagedService (tests, bench/run) starts java @jvm.options in quarkus-app: the image must run the same.
            assertTrue(text.contains("target/quarkus-app/jvm.options /deployments/"), file + " does not ship jvm.options");
            assertTrue(text.contains("\"@jvm.options\"") || text.contains("java @/deployments/jvm.options"), file + " does not run with jvm.options");
            assertFalse(text.contains("JAVA_OPTS"), file + ": JVM options belong in src/main/jvm/jvm.options");
        }
    }

    /** The JVM images run on Java 25 with the AOT cache their own JVM recorded, with the options the service runs with. */
    @Test
    void jvmImagesRunOnJava25WithTheAotCacheTheirOwnJvmRecorded() {
        for (String file : JVM_IMAGES) {
            String text = RepositoryFiles.read(file);
            List<String> bases = all(FROM, text);
            String runtime = bases.get(bases.size() - 1);
            assertTrue(runtime.equals("registry.access.redhat.com/ubi9/openjdk-25-runtime:1.24") || runtime.startsWith("eclipse-temurin:25-jre-"),
                    file + ": a Java 25 runtime image, not " + runtime);
            Matcher record = Pattern.compile("java (@\\S*jvm\\.options) -XX:AOTCacheOutput=(\\S+) -Dquarkus\\.appcds\\.generate=true \\\\?\\s*-jar (\\S+)")
                    .matcher(text);
            assertTrue(record.find(), file + " records no AOT cache with jvm.options in Quarkus' training run");
            // The run reads the cache with the options and class path it was recorded with (the JVM checks them against it).
            String run = record.group(1) + " -XX:AOTCache=" + record.group(2) + " -jar " + record.group(3);
            String runQuoted = "\"" + record.group(1) + "\", \"-XX:AOTCache=" + record.group(2) + "\", \"-jar\", \"" + record.group(3) + "\"";
            assertTrue(text.contains("exec java " + run) || text.contains("ENTRYPOINT [\"java\", " + runQuoted + "]"),
                    file + " does not run with the AOT cache it records: " + run);
            for (String jdk17Form : List.of("ArchiveClassesAtExit", "SharedArchiveFile", "app-cds.jsa")) {
                assertFalse(text.contains(jdk17Form), file + ": " + jdk17Form + " is the JDK 17 form; JDK 25 refuses it next to -XX:AOTCache");
            }
        }
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> values = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }
}
