package dev.linkstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.linkstack.testing.Processes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Static proof of the Compose files: valid for Compose and its schema, and hardened as promised. */
class ComposeFilesTest {
    static final String PRODUCTION = "deploy/docker-compose.production.yml";
    static final String DEV = "deploy/docker-compose.yml";
    /** The compose-spec schema as shipped by Debian's docker-compose package. */
    static final Path COMPOSE_SPEC_SCHEMA = Path.of("/usr/lib/python3/dist-packages/compose/config/compose_spec.json");

    @Test
    void dockerComposeAcceptsBothFiles() {
        Processes.run(Duration.ofSeconds(60), List.of("docker-compose", "-f", RepositoryFiles.path(PRODUCTION).toString(),
                "--env-file", RepositoryFiles.path(".env.production.example").toString(), "config", "-q"));
        Processes.run(Duration.ofSeconds(60), List.of("docker-compose", "-f", RepositoryFiles.path(DEV).toString(),
                "--env-file", RepositoryFiles.path(".env.docker.example").toString(), "config", "-q"));
    }

    @Test
    void dockerComposeRefusesToRunProductionWithoutTheSecrets() throws IOException {
        Path empty = Files.createTempFile("empty", ".env");
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () ->
                Processes.run(Duration.ofSeconds(60), List.of("docker-compose", "-f", RepositoryFiles.path(PRODUCTION).toString(),
                        "--env-file", empty.toString(), "config", "-q")));
        assertTrue(refused.getMessage().contains("DB_PASSWORD"), refused.getMessage());
    }

    @Test
    void bothFilesMatchTheComposeSpecSchema() throws IOException {
        assertTrue(Files.isReadable(COMPOSE_SPEC_SCHEMA), COMPOSE_SPEC_SCHEMA + " missing: apt-get install docker-compose");
        JsonNode schemaJson = new ObjectMapper().readTree(COMPOSE_SPEC_SCHEMA.toFile());
        withoutLegacyIds(schemaJson);
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schemaJson);
        for (String file : List.of(PRODUCTION, DEV)) {
            Set<ValidationMessage> errors = schema.validate(RepositoryFiles.yaml(file));
            assertEquals(Set.of(), errors, file);
        }
        // The validator is not vacuous: a misspelt key and a wrong type are caught.
        JsonNode broken = new ObjectMapper().readTree("{\"services\": {\"x\": {\"image\": \"a:1\", \"read_onyl\": true, \"ports\": 5}}}");
        assertEquals(2, schema.validate(broken).size(), schema.validate(broken).toString());
    }

    @Test
    void databaseAndRedisAreUnreachableFromOutside() {
        JsonNode compose = RepositoryFiles.yaml(PRODUCTION);
        assertTrue(compose.at("/networks/backend/internal").asBoolean(), "backend network must be internal");
        for (String name : List.of("postgres", "redis", "redis-cache", "backup")) {
            JsonNode service = compose.at("/services/" + name);
            assertTrue(service.path("ports").isMissingNode(), name + " must publish no port");
            assertEquals(name.equals("backup") ? List.of("backend", "egress") : List.of("backend"), texts(service.path("networks")),
                    name + " only on the internal network (the backup-service also has its way out)");
        }
        compose.path("services").fields().forEachRemaining(e -> assertTrue(e.getKey().equals("backup")
                || !texts(e.getValue().path("networks")).contains("egress"), e.getKey() + " must not share the backup-service's egress network"));
        List<String> publishing = new ArrayList<>();
        compose.path("services").fields().forEachRemaining(e -> {
            if (e.getValue().has("ports")) {
                publishing.add(e.getKey());
            }
        });
        assertEquals(List.of("nginx"), publishing, "Nginx is the only service with a published port");
    }

    @Test
    void everyContainerIsHardenedAndChecked() {
        for (String file : List.of(PRODUCTION, DEV)) {
            RepositoryFiles.yaml(file).path("services").fields().forEachRemaining(e -> {
                String name = file + ": " + e.getKey();
                JsonNode service = e.getValue();
                assertTrue(service.path("read_only").asBoolean(), name + " read_only");
                assertTrue(texts(service.path("security_opt")).contains("no-new-privileges:true"), name + " no-new-privileges");
                assertEquals(List.of("ALL"), texts(service.path("cap_drop")), name + " cap_drop");
                assertFalse(service.path("restart").asText().isEmpty(), name + " restart policy");
                assertFalse(service.at("/logging/options/max-size").asText().isEmpty(), name + " log size limit");
                assertFalse(service.at("/healthcheck/test").isMissingNode(), name + " health check");
                assertFalse(service.path("mem_limit").asText().isEmpty(), name + " memory limit");
                // The official postgres image starts as root only to prepare its data directory, then drops to postgres.
                if (!e.getKey().equals("postgres")) {
                    String user = service.path("user").asText();
                    assertFalse(user.isEmpty() || user.equals("0") || user.startsWith("0:") || user.equals("root"), name + " non-root user");
                }
            });
        }
    }

    @Test
    void productionRunsSeveralAppInstancesThatWaitForHealthyDependencies() {
        JsonNode services = RepositoryFiles.yaml(PRODUCTION).path("services");
        List<String> apps = StreamSupport.stream(((Iterable<String>) services::fieldNames).spliterator(), false)
                .filter(name -> name.startsWith("app-")).toList();
        assertTrue(apps.size() >= 2, "at least two app instances: " + apps);
        for (String app : apps) {
            JsonNode service = services.path(app);
            assertEquals("service_healthy", service.at("/depends_on/postgres/condition").asText(), app);
            assertEquals("service_healthy", service.at("/depends_on/redis/condition").asText(), app);
            assertEquals("service_healthy", service.at("/depends_on/redis-cache/condition").asText(), app);
            assertTrue(service.path("image").asText().contains("native"), app + " runs the native image");
            assertEquals("./application", service.at("/healthcheck/test/1").asText(), app + " checks itself without curl");
            assertTrue(RepositoryFiles.read("deploy/nginx/nginx.conf").contains("server " + app + ":8080"), app + " in the Nginx upstream");
        }
    }

    @Test
    void productionRunsTheBackupServiceNativeWithItsOwnHealthCheck() {
        JsonNode backup = RepositoryFiles.yaml(PRODUCTION).at("/services/backup");
        assertTrue(backup.path("image").asText().contains("backup-service-native"), "the backup-service runs its native image");
        assertEquals("backup-service/src/main/docker/Dockerfile.native-multistage", backup.at("/build/dockerfile").asText());
        assertEquals("./application", backup.at("/healthcheck/test/1").asText(), "checks itself without curl");
        assertEquals("healthcheck", backup.at("/healthcheck/test/2").asText());
    }

    @Test
    void postgresRedisAndBackupsKeepTheirDataOutsideContainers() {
        JsonNode compose = RepositoryFiles.yaml(PRODUCTION);
        assertEquals("postgres:16-alpine", compose.at("/services/postgres/image").asText());
        assertTrue(texts(compose.at("/services/postgres/volumes")).contains("postgres-data:/var/lib/postgresql/data"));
        assertTrue(compose.at("/services/postgres/healthcheck/test/1").asText().startsWith("pg_isready"));
        assertTrue(compose.at("/services/redis/image").asText().startsWith("redis:7"));
        String redisCommand = String.join(" ", texts(compose.at("/services/redis/command")));
        assertTrue(redisCommand.contains("--requirepass") && redisCommand.contains("--appendonly yes") && redisCommand.contains("--maxmemory-policy"), redisCommand);
        assertTrue(texts(compose.at("/services/redis/volumes")).contains("redis-data:/data"));
        String backupVolume = texts(compose.at("/services/backup/volumes")).get(0);
        assertTrue(backupVolume.startsWith("${BACKUP_HOST_DIR:-../backups}") && backupVolume.endsWith(":/backups"), backupVolume);
        assertTrue(compose.path("volumes").has("postgres-data") && compose.path("volumes").has("redis-data"));
    }

    /** SharedRedisUnderMemoryPressureTest and CacheRedisUnderMemoryPressureTest (app-service) run these policies. */
    @Test
    void memoryPressureEvictsTheRedirectCacheNeverSessionsOrCounters() {
        JsonNode services = RepositoryFiles.yaml(PRODUCTION).path("services");
        String state = String.join(" ", texts(services.at("/redis/command")));
        assertTrue(state.contains("--maxmemory \"$$REDIS_MAXMEMORY\" --maxmemory-policy noeviction"), state);
        String cache = String.join(" ", texts(services.at("/redis-cache/command")));
        assertTrue(cache.contains("--maxmemory \"$$REDIS_CACHE_MAXMEMORY\" --maxmemory-policy allkeys-lru") && cache.contains("--appendonly no"), cache);
        assertTrue(services.at("/redis-cache/volumes").isMissingNode(), "the cache keeps nothing");
        for (int i = 1; i <= DeploymentModel.APP_INSTANCES; i++) {
            JsonNode env = services.path(DeploymentModel.appInstanceName(i)).path("environment");
            assertEquals("redis://redis:6379", env.path("REDIS_URL").asText());
            assertEquals("redis://redis-cache:6379", env.path("REDIS_CACHE_URL").asText());
        }
    }

    @Test
    void eachServiceConnectsAsItsOwnDatabaseRoleAndNobodyAsTheSuperuser() {
        JsonNode services = RepositoryFiles.yaml(PRODUCTION).path("services");
        JsonNode postgres = services.path("postgres");
        assertTrue(texts(postgres.path("volumes")).contains("./postgres/init-roles.sh:" + DatabaseRoles.INIT_DIR + "/" + DatabaseRoles.SCRIPT_NAME + ":ro"),
                "the roles' init script is mounted where the image runs it");
        assertTrue(Files.isRegularFile(RepositoryFiles.path(DatabaseRoles.SCRIPT_PATH)), DatabaseRoles.SCRIPT_PATH);
        assertEquals(DatabaseRoles.SUPERUSER, postgres.at("/environment/POSTGRES_USER").asText());
        assertTrue(postgres.at("/environment/POSTGRES_PASSWORD").asText().startsWith("${POSTGRES_PASSWORD:?"), "the superuser's own password");
        // Every variable the script requires reaches the container.
        String script = RepositoryFiles.read(DatabaseRoles.SCRIPT_PATH);
        String required = script.lines().filter(line -> line.startsWith("for variable in ")).findFirst().orElseThrow()
                .replace("for variable in ", "").replace("; do", "");
        for (String variable : required.split(" ")) {
            assertTrue(postgres.path("environment").has(variable), "postgres gets " + variable);
        }
        List<String> connecting = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (service.getKey().startsWith("app-")) {
                JsonNode env = service.getValue().path("environment");
                assertTrue(env.path("DB_USER").asText().startsWith("${DB_USER:-"), service.getKey());
                assertTrue(env.path("DB_PASSWORD").asText().startsWith("${DB_PASSWORD:?"), service.getKey());
                assertTrue(env.path("DB_MIGRATION_USER").asText().startsWith("${DB_OWNER_USER:-"), service.getKey() + " migrates as the owner");
                assertTrue(env.path("DB_MIGRATION_PASSWORD").asText().startsWith("${DB_OWNER_PASSWORD:?"), service.getKey());
                connecting.add(service.getKey());
            }
        });
        JsonNode backup = services.at("/backup/environment");
        assertTrue(backup.path("BACKUP_DB_USER").asText().startsWith("${BACKUP_DB_USER:-"), "backup-service as the backup role");
        assertTrue(backup.path("BACKUP_DB_PASSWORD").asText().startsWith("${BACKUP_DB_PASSWORD:?"));
        assertEquals(DeploymentModel.APP_INSTANCES, connecting.size());
        String everythingButPostgres = services.toString().replace(postgres.toString(), "");
        assertFalse(everythingButPostgres.contains("POSTGRES_"), "no service but postgres sees the superuser's settings");
        // Three different roles, none of them the superuser.
        Set<String> roles = Set.of(DeploymentModel.DB_OWNER_USER.example(), DeploymentModel.DB_USER.example(), DeploymentModel.BACKUP_DB_USER.example());
        assertEquals(3, roles.size(), roles.toString());
        assertFalse(roles.contains(DatabaseRoles.SUPERUSER), roles.toString());
    }

    @Test
    void devRunsTheAppAloneOnSqliteWithAVolume() {
        JsonNode compose = RepositoryFiles.yaml(DEV);
        assertEquals(List.of("app"), StreamSupport.stream(((Iterable<String>) compose.path("services")::fieldNames).spliterator(), false).toList());
        JsonNode app = compose.at("/services/app");
        assertEquals("embedded", app.at("/environment/QUARKUS_PROFILE").asText());
        assertTrue(texts(app.path("volumes")).contains("app-data:/data"));
        assertTrue(app.at("/environment/LINKSTACK_DEV_DB").asText().startsWith("/data/"));
    }

    @Test
    void envExamplesHoldOnlyPlaceholderSecretsAndDocumentEveryVariable() {
        for (String file : List.of(".env.production.example", ".env.docker.example")) {
            List<String> lines = RepositoryFiles.read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                assertTrue(i > 0 && lines.get(i - 1).startsWith("#"), file + ": " + line + " has no comment");
                String name = line.substring(0, line.indexOf('='));
                String value = line.substring(line.indexOf('=') + 1);
                if (name.endsWith("PASSWORD") || name.endsWith("TOKEN") || name.endsWith("SECRET")) {
                    assertTrue(value.contains(EnvVar.PLACEHOLDER_MARKER), file + ": " + name + " must be a placeholder");
                }
            }
        }
        String production = RepositoryFiles.read(".env.production.example");
        for (String secret : List.of("POSTGRES_PASSWORD", "DB_OWNER_PASSWORD", "DB_PASSWORD", "BACKUP_DB_PASSWORD", "REDIS_PASSWORD", "BACKUP_API_TOKEN")) {
            assertTrue(production.contains(secret + "=" + EnvVar.PLACEHOLDER_MARKER), secret);
        }
    }

    /** The shipped schema still carries draft-04 style "id" annotations, which 2019-09 validators do not know. */
    private static void withoutLegacyIds(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            JsonNode id = object.get("id");
            if (id != null && id.isTextual()) {
                object.remove("id");
            }
            object.forEach(ComposeFilesTest::withoutLegacyIds);
        } else if (node.isArray()) {
            node.forEach(ComposeFilesTest::withoutLegacyIds);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
