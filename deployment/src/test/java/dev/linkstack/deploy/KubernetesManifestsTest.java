package dev.linkstack.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests, checked without a cluster: every object must be a valid instance of its Kubernetes
 * API type (the fabric8 model of the API, with no field it does not know), the kustomize tree must be complete,
 * and the security, secret and wiring rules must hold on the parsed objects.
 */
class KubernetesManifestsTest {
    private static final Path DIR = RepositoryFiles.path("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/Ingress", Ingress.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    @Test
    void everyObjectIsAValidInstanceOfItsKubernetesType() throws IOException {
        List<HasMetadata> objects = objects();
        assertTrue(objects.size() >= 20, "objects found: " + objects.size());
        for (HasMetadata object : objects) {
            assertNotNull(object.getMetadata().getName(), object.getKind() + " without a name");
            assertEquals(List.of(), unknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), new IdentityHashMap<>()));
        }
    }

    @Test
    void aMisspeltFieldIsCaught() throws IOException {
        Deployment deployment = YAML.readValue("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 1, replica: 2}\n", Deployment.class);
        assertEquals(List.of("x.spec.replica"), unknownFields(deployment, "x", new IdentityHashMap<>()));
    }

    @Test
    void theKustomizeTreeIsComplete() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path kustomization : files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
                JsonNode k = YAML.readTree(kustomization.toFile());
                List<String> references = new ArrayList<>();
                k.path("resources").forEach(r -> references.add(r.asText()));
                k.path("components").forEach(r -> references.add(r.asText()));
                for (String generator : List.of("configMapGenerator", "secretGenerator")) {
                    k.path(generator).forEach(g -> g.path("envs").forEach(e -> references.add(e.asText())));
                }
                for (String reference : references) {
                    Path target = kustomization.getParent().resolve(reference).normalize();
                    // secrets.env is the operator's own file; its committed template sits beside it.
                    Path expected = reference.equals("secrets.env") ? target.resolveSibling("secrets.env.example") : target;
                    assertTrue(Files.exists(expected), kustomization + " refers to missing " + reference);
                }
            }
        }
        for (String overlay : List.of("dev", "prod")) {
            JsonNode k = YAML.readTree(DIR.resolve("overlays/" + overlay + "/kustomization.yaml").toFile());
            assertEquals(KubernetesManifests.namespace(overlay), k.path("namespace").asText());
            assertEquals("../../components/bundled-data", k.path("components").get(0).asText(), "the data setting");
        }
    }

    @Test
    void podsRunRestrictedNonRootReadOnlyWithoutCapabilities() throws IOException {
        for (HasMetadata object : objects()) {
            PodTemplateSpec template = template(object);
            if (template == null) {
                continue;
            }
            String name = object.getKind() + "/" + object.getMetadata().getName();
            PodSpec pod = template.getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name);
            assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), name);
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), name);
            for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), name + " read-only root");
                assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), name);
                assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), name);
                assertTrue(security.getRunAsUser() != null && security.getRunAsUser() > 0, name + " non-root uid");
                assertFalse(container.getResources().getRequests().isEmpty(), name + " requests");
                assertTrue(container.getResources().getLimits().containsKey("memory"), name + " memory limit");
                assertNotNull(container.getReadinessProbe(), name + " readiness");
                assertNotNull(container.getLivenessProbe(), name + " liveness");
            }
        }
    }

    @Test
    void theAppRunsSeveralReplicasWithHealthProbesAutoscalingAndADisruptionBudget() throws IOException {
        Deployment app = (Deployment) object("Deployment", "app-service");
        assertTrue(app.getSpec().getReplicas() >= 2);
        Container container = app.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/started", container.getStartupProbe().getHttpGet().getPath());
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) object("HorizontalPodAutoscaler", "app-service");
        assertEquals("app-service", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 2);
        PodDisruptionBudget pdb = (PodDisruptionBudget) object("PodDisruptionBudget", "app-service");
        assertEquals(app.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
        Deployment backup = (Deployment) object("Deployment", "backup-service");
        assertEquals(1, backup.getSpec().getReplicas());
        assertEquals("backup-data", backup.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        object("PersistentVolumeClaim", "backup-data");
    }

    @Test
    void secretsAreOnlyReferencedNeverInlined() throws IOException {
        for (HasMetadata object : objects()) {
            assertFalse(object.getKind().equals("Secret"), "no Secret object is committed");
            PodTemplateSpec template = template(object);
            if (template == null) {
                continue;
            }
            for (Container container : template.getSpec().getContainers()) {
                container.getEnv().stream().filter(e -> e.getName().matches(".*(PASSWORD|TOKEN|SIGNING_KEY).*")).forEach(e -> {
                    assertTrue(e.getValue() == null && e.getValueFrom().getSecretKeyRef() != null, e.getName() + " must come from the secret");
                    assertEquals(KubernetesManifests.SECRET, e.getValueFrom().getSecretKeyRef().getName());
                });
            }
        }
        for (String overlay : List.of("dev", "prod")) {
            String example = Files.readString(DIR.resolve("overlays/" + overlay + "/secrets.env.example"));
            example.lines().filter(line -> !line.startsWith("#") && line.contains("="))
                    .forEach(line -> assertTrue(line.contains(EnvVar.PLACEHOLDER_MARKER), line));
        }
        try (Stream<Path> files = Files.walk(DIR)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().equals("secrets.env")), "secrets.env is never committed");
        }
    }

    @Test
    void servicesIngressesAndPoliciesPointAtRealPods() throws IOException {
        List<HasMetadata> objects = objects();
        List<Map<String, String>> podLabels = objects.stream().map(KubernetesManifestsTest::template).filter(t -> t != null)
                .map(t -> t.getMetadata().getLabels()).toList();
        for (HasMetadata object : objects) {
            if (object instanceof Service service) {
                assertTrue(podLabels.stream().anyMatch(labels -> labels.entrySet().containsAll(service.getSpec().getSelector().entrySet())),
                        "service " + service.getMetadata().getName() + " selects no pod");
            }
            if (object instanceof NetworkPolicy policy) {
                assertTrue(podLabels.contains(policy.getSpec().getPodSelector().getMatchLabels()), policy.getMetadata().getName());
            }
            if (object instanceof Ingress ingress) {
                assertEquals("nginx", ingress.getSpec().getIngressClassName());
                ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                    Service target = (Service) object("Service", path.getBackend().getService().getName());
                    assertTrue(target.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(path.getBackend().getService().getPort().getName())));
                }));
            }
        }
    }

    @Test
    void theEdgeRulesMatchTheComposeNginx() throws IOException {
        Ingress internal = (Ingress) object("Ingress", "linkstack-internal");
        assertEquals("/q", internal.getSpec().getRules().get(0).getHttp().getPaths().get(0).getPath());
        assertEquals("0.0.0.0/0,::/0", internal.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/denylist-source-range"));
        Ingress auth = (Ingress) object("Ingress", "linkstack-auth");
        assertEquals("10", auth.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/limit-rpm"));
        assertEquals(Set.of("/api/auth/login Prefix", "/api/auth/register Prefix", "/account/login Prefix", "/account/register Prefix"),
                Set.copyOf(auth.getSpec().getRules().get(0).getHttp().getPaths().stream().map(p -> p.getPath() + " " + p.getPathType()).toList()),
                "the API and the forms, with a trailing slash too");
        assertEquals(NginxConfig.MAX_BODY, ((Ingress) object("Ingress", "linkstack")).getMetadata().getAnnotations()
                .get("nginx.ingress.kubernetes.io/proxy-body-size"));
    }

    /**
     * ingress-nginx replaces the client's X-Forwarded-For with the address it saw unless its controller settings
     * use-forwarded-headers / compute-full-forwarded-for are turned on or a snippet sets the header itself: nothing
     * here does either, so the app's per-address throttle counts the address the ingress saw.
     */
    @Test
    void theIngressSendsTheAddressItSawNotTheClients() throws IOException {
        for (HasMetadata object : objects()) {
            if (object instanceof Ingress ingress) {
                for (String annotation : ingress.getMetadata().getAnnotations().keySet()) {
                    assertFalse(annotation.contains("snippet") || annotation.contains("forwarded"), ingress.getMetadata().getName() + ": " + annotation);
                }
            }
        }
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file);
                for (String appending : List.of("compute-full-forwarded-for", "use-forwarded-headers", "proxy_add_x_forwarded_for")) {
                    assertFalse(text.contains(appending), file + " turns on " + appending);
                }
            }
        }
    }

    @Test
    void onlyTheAppAndTheBackupsReachTheDatabaseAndOnlyTheAppReachesRedis() throws IOException {
        assertEquals(Set.of("app-service", "backup-service"), allowedPeers("postgres"));
        assertEquals(Set.of("app-service"), allowedPeers("redis"));
        assertEquals(Set.of("app-service"), allowedPeers("redis-cache"));
        for (String data : List.of("postgres", "redis")) {
            Service service = (Service) object("Service", data);
            assertTrue(service.getSpec().getType() == null || service.getSpec().getType().equals("ClusterIP"), data + " stays inside the cluster");
            StatefulSet set = (StatefulSet) object("StatefulSet", data);
            assertFalse(set.getSpec().getVolumeClaimTemplates().isEmpty(), data + " keeps its data on a volume");
        }
    }

    @Test
    void theBundledPostgresCreatesTheRolesAndEachPodConnectsAsItsOwn() throws IOException {
        StatefulSet postgres = (StatefulSet) object("StatefulSet", "postgres");
        Container server = postgres.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(server.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(DatabaseRoles.INIT_DIR) && m.getName().equals(KubernetesManifests.INIT_ROLES)),
                "the init script is mounted where the image runs it");
        assertTrue(postgres.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals(KubernetesManifests.INIT_ROLES)));
        ConfigMap script = (ConfigMap) object("ConfigMap", KubernetesManifests.INIT_ROLES);
        String shipped = Files.readString(RepositoryFiles.path(DatabaseRoles.SCRIPT_PATH));
        assertTrue(shipped.endsWith(script.getData().get(DatabaseRoles.SCRIPT_NAME)), "the ConfigMap holds the script of " + DatabaseRoles.SCRIPT_PATH);
        assertEquals("POSTGRES_PASSWORD", secretKey(server, "POSTGRES_PASSWORD"));
        assertEquals(DatabaseRoles.SUPERUSER, server.getEnv().stream().filter(e -> e.getName().equals("POSTGRES_USER")).findFirst().orElseThrow().getValue());

        Container app = ((Deployment) object("Deployment", "app-service")).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("DB_PASSWORD", secretKey(app, "DB_PASSWORD"));
        assertEquals("DB_OWNER_PASSWORD", secretKey(app, "DB_MIGRATION_PASSWORD"), "the app migrates as the owner");
        Container backup = ((Deployment) object("Deployment", "backup-service")).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("BACKUP_DB_PASSWORD", secretKey(backup, "BACKUP_DB_PASSWORD"), "backup-service as the backup role");
        for (Container client : List.of(app, backup)) {
            assertTrue(client.getEnv().stream().noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("POSTGRES_PASSWORD")), client.getName() + " never gets the superuser's password");
        }
        assertEquals(DeploymentModel.DB_OWNER_USER.example(), KubernetesManifests.appConfig().get("DB_MIGRATION_USER"));
        assertEquals(DeploymentModel.BACKUP_DB_USER.example(), KubernetesManifests.backupConfig().get("BACKUP_DB_USER"));
        String secrets = Files.readString(DIR.resolve("overlays/prod/secrets.env.example"));
        for (String key : List.of("POSTGRES_PASSWORD", "DB_OWNER_PASSWORD", "DB_PASSWORD", "BACKUP_DB_PASSWORD")) {
            assertTrue(secrets.contains(key + "=" + EnvVar.PLACEHOLDER_MARKER), key + " in the secrets example");
        }
    }

    static String secretKey(Container container, String env) {
        return container.getEnv().stream().filter(e -> e.getName().equals(env)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no " + env)).getValueFrom().getSecretKeyRef().getKey();
    }

    @Test
    void memoryPressureEvictsTheRedirectCacheNeverSessionsOrCounters() {
        String state = String.join(" ", ((StatefulSet) object("StatefulSet", "redis")).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
        assertTrue(state.contains("--maxmemory " + DeploymentModel.REDIS_MAXMEMORY.example() + " --maxmemory-policy noeviction"), state);
        String cache = String.join(" ", ((Deployment) object("Deployment", "redis-cache")).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
        assertTrue(cache.contains("--maxmemory " + DeploymentModel.REDIS_CACHE_MAXMEMORY.example() + " --maxmemory-policy allkeys-lru"), cache);
        assertEquals("redis://redis-cache:6379", KubernetesManifests.appConfig().get("REDIS_CACHE_URL"));
        assertTrue(RepositoryFiles.read("deploy/kubernetes/base/app-config.env").contains("REDIS_CACHE_URL=redis://redis-cache:6379\n"));
    }

    private static Set<String> allowedPeers(String target) {
        NetworkPolicy policy = (NetworkPolicy) object("NetworkPolicy", target + "-ingress");
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
        return Set.copyOf(policy.getSpec().getIngress().stream().flatMap(rule -> rule.getFrom().stream())
                .map(peer -> peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")).toList());
    }

    static PodTemplateSpec template(HasMetadata object) {
        if (object instanceof Deployment deployment) {
            return deployment.getSpec().getTemplate();
        }
        if (object instanceof StatefulSet set) {
            return set.getSpec().getTemplate();
        }
        return null;
    }

    static HasMetadata object(String kind, String name) {
        return objects().stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    /** Every Kubernetes object in the YAML files of deploy/kubernetes (kustomize's own files aside). */
    static List<HasMetadata> objects() {
        try {
            return parseObjects();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<HasMetadata> parseObjects() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
                    for (var documents = YAML.readValues(parser, ObjectNode.class); documents.hasNext(); ) {
                        ObjectNode document = documents.next();
                        String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
                        Class<? extends HasMetadata> javaType = TYPES.get(type);
                        assertNotNull(javaType, file + ": unexpected object type " + type);
                        objects.add(YAML.treeToValue(document, javaType));
                    }
                }
            }
        }
        return objects;
    }

    /**
     * Fields the Kubernetes API types do not have. fabric8's model keeps them in "additionalProperties" instead of
     * failing, so walk the whole object graph and report every one.
     */
    static List<String> unknownFields(Object value, String path, IdentityHashMap<Object, Boolean> seen) {
        List<String> unknown = new ArrayList<>();
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return unknown;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object item : collection) {
                unknown.addAll(unknownFields(item, path + "[" + i++ + "]", seen));
            }
            return unknown;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknown.addAll(unknownFields(item, path + "." + key, seen)));
            return unknown;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return unknown;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object field = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    ((Map<?, ?>) field).keySet().forEach(key -> unknown.add(path + "." + key));
                } else {
                    unknown.addAll(unknownFields(field, path + "." + getter.getName().substring(3, 4).toLowerCase() + getter.getName().substring(4), seen));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return unknown;
    }
}
