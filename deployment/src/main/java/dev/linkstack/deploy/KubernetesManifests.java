package dev.linkstack.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes manifests for the same deployment as the Compose files, from the same {@link DeploymentModel}
 * values: a kustomize base (app and backup services, ingress, network policies, config from the env examples),
 * a component with in-cluster PostgreSQL and Redis, and dev/prod overlays. Secrets are only referenced: each
 * overlay generates them from a secrets.env the operator writes.
 */
public final class KubernetesManifests {
    static final String DIR = "deploy/kubernetes/";
    public static final String SECRET = "linkstack-secrets";
    static final String APP = "app-service";
    static final String BACKUP = "backup-service";
    static final String POSTGRES = "postgres";
    static final String REDIS = DeploymentModel.STATE_REDIS;
    static final String REDIS_CACHE = DeploymentModel.CACHE_REDIS;
    /** The ConfigMap (and volume) holding the roles' init script. */
    static final String INIT_ROLES = "postgres-init-roles";
    /** The ConfigMap (and volume) holding the server's pg_hba file. */
    static final String POSTGRES_CONFIG = "postgres-config";
    /** backup-service's WAL archive (point-in-time recovery), apart from its dumps. */
    static final String WAL_CLAIM = "backup-wal";
    static final String NAME_LABEL = "app.kubernetes.io/name";
    /** Pods with this label may call the backup API (e.g. an operator's one-off pod). */
    public static final String BACKUP_CLIENT_LABEL = "linkstack.dev/backup-client";
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            // The init script in its ConfigMap stays readable as the script it is.
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build()).configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private KubernetesManifests() {
    }

    /** Relative path → content, for the {@link Generator}. */
    static Map<String, String> files(String header) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DIR + "base/kustomization.yaml", yaml(header, baseKustomization()));
        files.put(DIR + "base/app-config.env", envFile(header, appConfig()));
        files.put(DIR + "base/backup-config.env", envFile(header, backupConfig()));
        files.put(DIR + "base/app-service.yaml", documents(header, appService()));
        files.put(DIR + "base/backup-service.yaml", documents(header, backupService()));
        files.put(DIR + "base/ingress.yaml", documents(header, ingresses()));
        files.put(DIR + "base/network-policies.yaml", documents(header, basePolicies()));
        files.put(DIR + "components/bundled-data/kustomization.yaml", yaml(header, bundledDataComponent()));
        files.put(DIR + "components/bundled-data/postgres.yaml", documents(header, postgres()));
        files.put(DIR + "components/bundled-data/redis.yaml", documents(header, redis()));
        files.put(DIR + "components/bundled-data/redis-cache.yaml", documents(header, redisCache()));
        files.put(DIR + "components/bundled-data/network-policies.yaml", documents(header, dataPolicies()));
        for (String overlay : List.of("dev", "prod")) {
            files.put(DIR + "overlays/" + overlay + "/kustomization.yaml", yaml(header, overlay(overlay)));
            files.put(DIR + "overlays/" + overlay + "/namespace.yaml", documents(header, List.of(namespaceObject(namespace(overlay)))));
            files.put(DIR + "overlays/" + overlay + "/secrets.env.example", envFile(header
                    + "# Copy to secrets.env (never committed) and replace every placeholder.\n"
                    + "# With BACKUP_ENCRYPTION_RECIPIENT set, add " + DeploymentModel.BACKUP_SIGNING_KEY.name() + "=<openssl rand -hex 32> too.\n",
                    secretsExample()));
        }
        return files;
    }

    static String namespace(String overlay) {
        return overlay.equals("prod") ? "linkstack" : "linkstack-" + overlay;
    }

    // --- configuration: the same variables as the Compose files -------------------------------------------------

    static Map<String, String> appConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(DeploymentModel.DB_NAME.name(), DeploymentModel.DB_NAME.example());
        config.put(DeploymentModel.DB_USER.name(), DeploymentModel.DB_USER.example());
        config.put("DB_MIGRATION_USER", DeploymentModel.DB_OWNER_USER.example());
        config.put("DB_URL", "jdbc:postgresql://" + POSTGRES + ":5432/" + DeploymentModel.DB_NAME.example());
        config.put("REDIS_URL", "redis://" + REDIS + ":6379");
        config.put("REDIS_CACHE_URL", "redis://" + REDIS_CACHE + ":6379");
        config.put(DeploymentModel.PUBLIC_BASE_URL.name(), DeploymentModel.PUBLIC_BASE_URL.example());
        config.put(DeploymentModel.REGISTRATION_ENABLED.name(), DeploymentModel.REGISTRATION_ENABLED.example());
        config.put(DeploymentModel.REGISTRATION_INVITE_ONLY.name(), DeploymentModel.REGISTRATION_INVITE_ONLY.example());
        config.put(DeploymentModel.LINKS_BLOCKED_DOMAINS.name(), DeploymentModel.LINKS_BLOCKED_DOMAINS.example());
        config.put(DeploymentModel.SESSION_COOKIE_SECURE.name(), DeploymentModel.SESSION_COOKIE_SECURE.example());
        return config;
    }

    static Map<String, String> backupConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("BACKUP_DB_HOST", POSTGRES);
        config.put("BACKUP_DB_PORT", "5432");
        config.put("BACKUP_DB_NAME", DeploymentModel.DB_NAME.example());
        config.put(DeploymentModel.BACKUP_DB_USER.name(), DeploymentModel.BACKUP_DB_USER.example());
        // Real restores replace the owner's objects: the backup role takes the owner's role for them (init-roles.sh).
        config.put("BACKUP_RESTORE_ROLE", DeploymentModel.DB_OWNER_USER.example());
        config.put("BACKUP_DIR", DeploymentModel.BACKUP_CONTAINER_DIR);
        config.put(DeploymentModel.BACKUP_WAL_ENABLED.name(), DeploymentModel.BACKUP_WAL_ENABLED.example());
        config.put("BACKUP_WAL_DIR", WalArchiving.WAL_DIR);
        config.put("BACKUP_WAL_USER", WalArchiving.REPLICATION_ROLE);
        config.put(DeploymentModel.BACKUP_BASE_CRON.name(), DeploymentModel.BACKUP_BASE_CRON.example());
        for (EnvVar setting : List.of(DeploymentModel.BACKUP_CRON, DeploymentModel.BACKUP_RETENTION_DAYS, DeploymentModel.BACKUP_KEEP_LAST,
                DeploymentModel.BACKUP_COMPRESSION, DeploymentModel.BACKUP_VERIFY_CRON, DeploymentModel.BACKUP_ENCRYPTION_RECIPIENT)) {
            config.put(setting.name(), setting.example());
        }
        return config;
    }

    static Map<String, String> secretsExample() {
        Map<String, String> secrets = new LinkedHashMap<>();
        DeploymentModel.productionEnv().stream().filter(EnvVar::secret).forEach(secret -> secrets.put(secret.name(), secret.example()));
        return secrets;
    }

    // --- app-service ---------------------------------------------------------------------------------------------

    static List<HasMetadata> appService() {
        Map<String, String> labels = Map.of(NAME_LABEL, APP);
        Container container = new ContainerBuilder()
                .withName(APP)
                .withImage("linkstack/app-service-native:latest")
                .addNewEnvFrom().withNewConfigMapRef().withName("app-config").endConfigMapRef().endEnvFrom()
                .withEnv(secretEnv("DB_PASSWORD", "DB_PASSWORD"), secretEnv("DB_MIGRATION_PASSWORD", "DB_OWNER_PASSWORD"),
                        secretEnv("REDIS_PASSWORD", "REDIS_PASSWORD"))
                .addNewPort().withName("http").withContainerPort(DeploymentModel.APP_PORT).endPort()
                .withStartupProbe(httpProbe("/q/health/started", 2, 30))
                .withReadinessProbe(httpProbe("/q/health/ready", 5, 3))
                .withLivenessProbe(httpProbe("/q/health/live", 10, 3))
                .withResources(resources("100m", "128Mi", "1", "256Mi"))
                .withSecurityContext(containerSecurity(1001L))
                .withVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
                .build();
        PodSpec pod = hardenedPod(container, 1001L)
                .withTerminationGracePeriodSeconds(30L)
                .withVolumes(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
                .build();
        return List.of(
                new DeploymentBuilder().withNewMetadata().withName(APP).withLabels(labels).endMetadata()
                        .withNewSpec().withReplicas(DeploymentModel.APP_INSTANCES)
                        .withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                        .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(pod).endTemplate()
                        .endSpec().build(),
                new ServiceBuilder().withNewMetadata().withName(APP).withLabels(labels).endMetadata()
                        .withNewSpec().withSelector(labels)
                        .addNewPort().withName("http").withPort(DeploymentModel.APP_PORT).withTargetPort(new IntOrString("http")).endPort()
                        .endSpec().build(),
                new HorizontalPodAutoscalerBuilder().withNewMetadata().withName(APP).withLabels(labels).endMetadata()
                        .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(APP).endScaleTargetRef()
                        .withMinReplicas(DeploymentModel.APP_INSTANCES).withMaxReplicas(6)
                        .addNewMetric().withType("Resource").withNewResource().withName("cpu")
                        .withNewTarget().withType("Utilization").withAverageUtilization(70).endTarget().endResource().endMetric()
                        .endSpec().build(),
                new PodDisruptionBudgetBuilder().withNewMetadata().withName(APP).withLabels(labels).endMetadata()
                        .withNewSpec().withMinAvailable(new IntOrString(1)).withNewSelector().withMatchLabels(labels).endSelector()
                        .endSpec().build());
    }

    /** The same edge rules as deploy/nginx/nginx.conf, for the ingress-nginx controller. */
    static List<HasMetadata> ingresses() {
        return List.of(
                ingress("linkstack", Map.of("nginx.ingress.kubernetes.io/proxy-body-size", NginxConfig.MAX_BODY),
                        path("/", "Prefix")),
                // Password guessing: a few attempts per minute and client address on the API and the forms, as in the
                // Compose Nginx. Annotations cannot tell POST from GET, so here opening a form counts too. No snippet
                // annotations anywhere: with none, ingress-nginx's own defaults (use-forwarded-headers and
                // compute-full-forwarded-for off) send the address it saw as X-Forwarded-For, replacing the client's.
                ingress("linkstack-auth", Map.of("nginx.ingress.kubernetes.io/limit-rpm", "10",
                                "nginx.ingress.kubernetes.io/limit-burst-multiplier", "1",
                                "nginx.ingress.kubernetes.io/proxy-body-size", NginxConfig.MAX_BODY),
                        // Prefix: also "/api/auth/login/", which the app answers like "/api/auth/login".
                        path("/api/auth/login", "Prefix"), path("/api/auth/register", "Prefix"),
                        path("/account/login", "Prefix"), path("/account/register", "Prefix")),
                // Health, metrics and OpenAPI of the pods stay inside the cluster: every source address is denied.
                ingress("linkstack-internal", Map.of("nginx.ingress.kubernetes.io/denylist-source-range", "0.0.0.0/0,::/0"),
                        path("/q", "Prefix")));
    }

    private static HasMetadata ingress(String name, Map<String, String> annotations, HTTPIngressPath... paths) {
        return new IngressBuilder().withNewMetadata().withName(name).withLabels(Map.of(NAME_LABEL, APP)).withAnnotations(annotations).endMetadata()
                .withNewSpec().withIngressClassName("nginx")
                .addNewRule().withNewHttp().withPaths(paths).endHttp().endRule()
                .endSpec().build();
    }

    private static HTTPIngressPath path(String path, String type) {
        return new HTTPIngressPathBuilder().withPath(path).withPathType(type)
                .withNewBackend().withNewService().withName(APP).withNewPort().withName("http").endPort().endService().endBackend()
                .build();
    }

    // --- backup-service ------------------------------------------------------------------------------------------

    static List<HasMetadata> backupService() {
        Map<String, String> labels = Map.of(NAME_LABEL, BACKUP);
        Container container = new ContainerBuilder()
                .withName(BACKUP)
                .withImage("linkstack/backup-service-native:latest")
                .addNewEnvFrom().withNewConfigMapRef().withName("backup-config").endConfigMapRef().endEnvFrom()
                .withEnv(secretEnv("BACKUP_DB_PASSWORD", "BACKUP_DB_PASSWORD"), secretEnv("BACKUP_API_TOKEN", "BACKUP_API_TOKEN"),
                        optionalSecretEnv("BACKUP_SIGNING_KEY", "BACKUP_SIGNING_KEY"),
                        secretEnv("BACKUP_WAL_PASSWORD", DeploymentModel.BACKUP_REPLICATION_PASSWORD.name()))
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withStartupProbe(httpProbe("/q/health/started", 2, 60))
                .withReadinessProbe(httpProbe("/q/health/ready", 10, 3))
                .withLivenessProbe(httpProbe("/q/health/live", 20, 3))
                .withResources(resources("100m", "256Mi", "1", "512Mi"))
                .withSecurityContext(containerSecurity(1001L))
                .withVolumeMounts(new VolumeMountBuilder().withName("backups").withMountPath(DeploymentModel.BACKUP_CONTAINER_DIR).build(),
                        new VolumeMountBuilder().withName("wal").withMountPath(WalArchiving.WAL_DIR).build(),
                        new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
                .build();
        PodSpec pod = hardenedPod(container, 1001L)
                // The volumes' roots belong to the service's group, so it can write them whoever provisioned them.
                .editSecurityContext().withFsGroup(1001L).endSecurityContext()
                .withTerminationGracePeriodSeconds(60L)
                .withVolumes(new VolumeBuilder().withName("backups").withNewPersistentVolumeClaim().withClaimName("backup-data").endPersistentVolumeClaim().build(),
                        new VolumeBuilder().withName("wal").withNewPersistentVolumeClaim().withClaimName(WAL_CLAIM).endPersistentVolumeClaim().build(),
                        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
                .build();
        return List.of(
                claim("backup-data", labels, "20Gi"),
                // Sized as README "Point-in-time recovery" says: WAL per day times the days kept, plus a segment.
                claim(WAL_CLAIM, labels, "20Gi"),
                // One replica: backups of a database are serialised by an advisory lock anyway, so a second is harmless.
                new DeploymentBuilder().withNewMetadata().withName(BACKUP).withLabels(labels).endMetadata()
                        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewStrategy().withType("Recreate").endStrategy()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(pod).endTemplate()
                        .endSpec().build(),
                new ServiceBuilder().withNewMetadata().withName(BACKUP).withLabels(labels).endMetadata()
                        .withNewSpec().withSelector(labels)
                        .addNewPort().withName("http").withPort(8080).withTargetPort(new IntOrString("http")).endPort()
                        .endSpec().build());
    }

    private static HasMetadata claim(String name, Map<String, String> labels, String storage) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity(storage))).endResources().endSpec().build();
    }

    // --- PostgreSQL and Redis inside the cluster (the bundled-data component) ------------------------------------

    static List<HasMetadata> postgres() {
        Map<String, String> labels = Map.of(NAME_LABEL, POSTGRES);
        // Over TCP: while the init script runs, the image's temporary server listens on the socket only.
        List<String> ready = List.of("sh", "-c", "pg_isready -h 127.0.0.1 -U \"$DB_USER\" -d \"$DB_NAME\"");
        Container container = new ContainerBuilder()
                .withName(POSTGRES)
                .withImage("postgres:16-alpine")
                // The superuser creates the database and its roles on the first start (the init script), then nobody uses it.
                .withEnv(new EnvVarBuilder().withName("POSTGRES_USER").withValue(DatabaseRoles.SUPERUSER).build(),
                        secretEnv("POSTGRES_PASSWORD", "POSTGRES_PASSWORD"),
                        configEnv("DB_NAME", "app-config", "DB_NAME"),
                        configEnv("DB_OWNER_USER", "app-config", "DB_MIGRATION_USER"), secretEnv("DB_OWNER_PASSWORD", "DB_OWNER_PASSWORD"),
                        configEnv("DB_USER", "app-config", "DB_USER"), secretEnv("DB_PASSWORD", "DB_PASSWORD"),
                        configEnv("BACKUP_DB_USER", "backup-config", "BACKUP_DB_USER"), secretEnv("BACKUP_DB_PASSWORD", "BACKUP_DB_PASSWORD"),
                        configEnv("BACKUP_REPLICATION_USER", "backup-config", "BACKUP_WAL_USER"),
                        secretEnv("BACKUP_REPLICATION_PASSWORD", DeploymentModel.BACKUP_REPLICATION_PASSWORD.name()),
                        // A subdirectory: the volume's root may hold lost+found.
                        new EnvVarBuilder().withName("PGDATA").withValue("/var/lib/postgresql/data/pgdata").build())
                // The WAL settings and the pg_hba file backup-service's WAL archive needs (WalArchiving).
                .withArgs(WalArchiving.serverCommand())
                .addNewPort().withName("postgres").withContainerPort(5432).endPort()
                .withReadinessProbe(execProbe(ready, 5))
                .withLivenessProbe(execProbe(ready, 20))
                .withResources(resources("250m", "256Mi", "1", "1Gi"))
                // uid 70 is the postgres user of the alpine image.
                .withSecurityContext(containerSecurity(70L))
                .withVolumeMounts(new VolumeMountBuilder().withName("data").withMountPath("/var/lib/postgresql/data").build(),
                        new VolumeMountBuilder().withName("run").withMountPath("/var/run/postgresql").build(),
                        new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build(),
                        new VolumeMountBuilder().withName(INIT_ROLES).withMountPath(DatabaseRoles.INIT_DIR).withReadOnly(true).build(),
                        new VolumeMountBuilder().withName(POSTGRES_CONFIG).withMountPath(WalArchiving.CONFIG_DIR).withReadOnly(true).build())
                .build();
        List<HasMetadata> objects = new ArrayList<>();
        // The same script as deploy/postgres/init-roles.sh, run by the image on the first start of an empty volume.
        objects.add(new ConfigMapBuilder().withNewMetadata().withName(INIT_ROLES).withLabels(labels).endMetadata()
                .withData(Map.of(DatabaseRoles.SCRIPT_NAME, DatabaseRoles.script(""))).build());
        objects.add(new ConfigMapBuilder().withNewMetadata().withName(POSTGRES_CONFIG).withLabels(labels).endMetadata()
                .withData(Map.of(WalArchiving.HBA_NAME, kubernetesHbaFile())).build());
        objects.addAll(statefulSet(POSTGRES, labels, container, 70L, "10Gi", 5432, "postgres",
                List.of(new VolumeBuilder().withName(INIT_ROLES).withNewConfigMap().withName(INIT_ROLES).endConfigMap().build(),
                        new VolumeBuilder().withName(POSTGRES_CONFIG).withNewConfigMap().withName(POSTGRES_CONFIG).endConfigMap().build())));
        return objects;
    }

    /** Pod addresses are not known in advance: see {@link WalArchiving#KUBERNETES_REPLICATION_FROM}. */
    static String kubernetesHbaFile() {
        return WalArchiving.hbaFile("", WalArchiving.KUBERNETES_REPLICATION_FROM,
                "any pod address; the NetworkPolicy postgres-ingress admits only app-service and backup-service, and only backup-service has the password");
    }

    static List<HasMetadata> redis() {
        Map<String, String> labels = Map.of(NAME_LABEL, REDIS);
        Container container = new ContainerBuilder()
                .withName(REDIS)
                .withImage("redis:7-alpine")
                .withEnv(secretEnv("REDIS_PASSWORD", "REDIS_PASSWORD"))
                .withCommand("sh", "-c", DeploymentModel.stateRedisCommand(DeploymentModel.REDIS_MAXMEMORY.example()))
                .addNewPort().withName("redis").withContainerPort(6379).endPort()
                .withReadinessProbe(execProbe(List.of("sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"), 5))
                .withLivenessProbe(execProbe(List.of("sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"), 20))
                .withResources(resources("100m", "128Mi", "500m", "384Mi"))
                .withSecurityContext(containerSecurity(999L))
                .withVolumeMounts(new VolumeMountBuilder().withName("data").withMountPath("/data").build(),
                        new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
                .build();
        return statefulSet(REDIS, labels, container, 1000L, "1Gi", 6379, "redis", List.of());
    }

    /** The redirect cache's Redis: nothing to keep, so a Deployment without a volume. */
    static List<HasMetadata> redisCache() {
        Map<String, String> labels = Map.of(NAME_LABEL, REDIS_CACHE);
        Container container = new ContainerBuilder()
                .withName(REDIS_CACHE)
                .withImage("redis:7-alpine")
                .withEnv(secretEnv("REDIS_PASSWORD", "REDIS_PASSWORD"))
                .withCommand("sh", "-c", DeploymentModel.cacheRedisCommand(DeploymentModel.REDIS_CACHE_MAXMEMORY.example()))
                .addNewPort().withName("redis").withContainerPort(6379).endPort()
                .withReadinessProbe(execProbe(List.of("sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"), 5))
                .withLivenessProbe(execProbe(List.of("sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"), 20))
                .withResources(resources("50m", "64Mi", "500m", "192Mi"))
                .withSecurityContext(containerSecurity(999L))
                .withVolumeMounts(new VolumeMountBuilder().withName("data").withMountPath("/data").build(),
                        new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
                .build();
        PodSpec pod = hardenedPod(container, 999L)
                .withTerminationGracePeriodSeconds(30L)
                .withVolumes(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build(),
                        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
                .build();
        return List.of(
                new DeploymentBuilder().withNewMetadata().withName(REDIS_CACHE).withLabels(labels).endMetadata()
                        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(pod).endTemplate()
                        .endSpec().build(),
                new ServiceBuilder().withNewMetadata().withName(REDIS_CACHE).withLabels(labels).endMetadata()
                        .withNewSpec().withSelector(labels)
                        .addNewPort().withName("redis").withPort(6379).withTargetPort(new IntOrString("redis")).endPort()
                        .endSpec().build());
    }

    private static List<HasMetadata> statefulSet(String name, Map<String, String> labels, Container container, long fsGroup, String storage,
                                                 int port, String portName, List<io.fabric8.kubernetes.api.model.Volume> otherVolumes) {
        List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>(otherVolumes);
        container.getVolumeMounts().stream().filter(mount -> !mount.getName().equals("data"))
                .filter(mount -> otherVolumes.stream().noneMatch(volume -> volume.getName().equals(mount.getName())))
                .forEach(mount -> volumes.add(new VolumeBuilder().withName(mount.getName()).withNewEmptyDir().endEmptyDir().build()));
        PodSpec pod = hardenedPod(container, container.getSecurityContext().getRunAsUser())
                .editSecurityContext().withFsGroup(fsGroup).endSecurityContext()
                .withTerminationGracePeriodSeconds(30L)
                .withVolumes(volumes)
                .build();
        return List.of(
                new StatefulSetBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                        .withNewSpec().withServiceName(name).withReplicas(1)
                        .withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(pod).endTemplate()
                        .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
                        .withNewSpec().withAccessModes("ReadWriteOnce")
                        .withNewResources().withRequests(Map.of("storage", new Quantity(storage))).endResources().endSpec()
                        .endVolumeClaimTemplate()
                        .endSpec().build(),
                new ServiceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                        .withNewSpec().withClusterIP("None").withSelector(labels)
                        .addNewPort().withName(portName).withPort(port).withTargetPort(new IntOrString(portName)).endPort()
                        .endSpec().build());
    }

    // --- network policies: who may talk to whom ------------------------------------------------------------------

    static List<HasMetadata> basePolicies() {
        return List.of(
                allowIngress(APP, DeploymentModel.APP_PORT, new NetworkPolicyPeerBuilder().withNewNamespaceSelector()
                        .withMatchLabels(Map.of("kubernetes.io/metadata.name", "ingress-nginx")).endNamespaceSelector().build()),
                allowIngress(BACKUP, 8080, new NetworkPolicyPeerBuilder().withNewPodSelector()
                        .withMatchLabels(Map.of(BACKUP_CLIENT_LABEL, "true")).endPodSelector().build()));
    }

    static List<HasMetadata> dataPolicies() {
        return List.of(
                allowIngress(POSTGRES, 5432, pods(APP), pods(BACKUP)),
                allowIngress(REDIS, 6379, pods(APP)),
                allowIngress(REDIS_CACHE, 6379, pods(APP)));
    }

    private static NetworkPolicyPeer pods(String name) {
        return new NetworkPolicyPeerBuilder().withNewPodSelector().withMatchLabels(Map.of(NAME_LABEL, name)).endPodSelector().build();
    }

    /** Only the given peers reach the pods' port; everything else that would come in is dropped. */
    private static HasMetadata allowIngress(String name, int port, NetworkPolicyPeer... from) {
        return new NetworkPolicyBuilder().withNewMetadata().withName(name + "-ingress").withLabels(Map.of(NAME_LABEL, name)).endMetadata()
                .withNewSpec().withNewPodSelector().withMatchLabels(Map.of(NAME_LABEL, name)).endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress().withFrom(from).addNewPort().withProtocol("TCP").withPort(new IntOrString(port)).endPort().endIngress()
                .endSpec().build();
    }

    // --- kustomize ---------------------------------------------------------------------------------------------

    private static Map<String, Object> baseKustomization() {
        Map<String, Object> k = kustomization("Kustomization", "kustomize.config.k8s.io/v1beta1");
        k.put("labels", List.of(Map.of("pairs", Map.of("app.kubernetes.io/part-of", "linkstack"))));
        k.put("resources", List.of("app-service.yaml", "backup-service.yaml", "ingress.yaml", "network-policies.yaml"));
        k.put("configMapGenerator", List.of(
                ordered("name", "app-config", "envs", List.of("app-config.env")),
                ordered("name", "backup-config", "envs", List.of("backup-config.env"))));
        return k;
    }

    private static Map<String, Object> bundledDataComponent() {
        Map<String, Object> k = kustomization("Component", "kustomize.config.k8s.io/v1alpha1");
        k.put("resources", List.of("postgres.yaml", "redis.yaml", "redis-cache.yaml", "network-policies.yaml"));
        return k;
    }

    private static Map<String, Object> overlay(String name) {
        Map<String, Object> k = kustomization("Kustomization", "kustomize.config.k8s.io/v1beta1");
        k.put("namespace", namespace(name));
        k.put("resources", List.of("namespace.yaml", "../../base"));
        // The one setting for where the data lives: remove this component to use an external PostgreSQL and
        // Redis (a managed service or an operator such as CloudNativePG), and set DB_URL / REDIS_URL / REDIS_CACHE_URL below.
        k.put("components", List.of("../../components/bundled-data"));
        k.put("secretGenerator", List.of(ordered("name", SECRET, "envs", List.of("secrets.env"))));
        List<String> settings = new ArrayList<>(List.of("PUBLIC_BASE_URL=" + (name.equals("prod") ? DeploymentModel.PUBLIC_BASE_URL.example() : "http://linkstack.localhost/")));
        if (!name.equals("prod")) {
            settings.add("SESSION_COOKIE_SECURE=false");
        }
        k.put("configMapGenerator", List.of(ordered("name", "app-config", "behavior", "merge", "literals", settings)));
        k.put("images", List.of(
                ordered("name", "linkstack/app-service-native", "newTag", "latest"),
                ordered("name", "linkstack/backup-service-native", "newTag", "latest")));
        if (!name.equals("prod")) {
            // One app pod is enough to develop against; the budget must then allow evicting it.
            k.put("patches", List.of(
                    patch("Deployment", APP, "[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 1}]"),
                    patch("HorizontalPodAutoscaler", APP, "[{\"op\": \"replace\", \"path\": \"/spec/minReplicas\", \"value\": 1}]"),
                    patch("PodDisruptionBudget", APP, "[{\"op\": \"replace\", \"path\": \"/spec/minAvailable\", \"value\": 0}]")));
        }
        return k;
    }

    private static HasMetadata namespaceObject(String name) {
        // Pod Security Admission enforces the restricted profile the pods are written for.
        return new NamespaceBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted", "pod-security.kubernetes.io/warn", "restricted"))
                .endMetadata().build();
    }

    private static Map<String, Object> patch(String kind, String name, String jsonPatch) {
        return ordered("target", ordered("kind", kind, "name", name), "patch", jsonPatch);
    }

    private static Map<String, Object> kustomization(String kind, String apiVersion) {
        return ordered("apiVersion", apiVersion, "kind", kind);
    }

    // --- building blocks ---------------------------------------------------------------------------------------

    private static PodSpecBuilder hardenedPod(Container container, Long runAsUser) {
        return new PodSpecBuilder()
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(runAsUser)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
                .withContainers(container);
    }

    private static SecurityContext containerSecurity(long user) {
        return new SecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(user).withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
    }

    private static io.fabric8.kubernetes.api.model.EnvVar secretEnv(String name, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(SECRET).withKey(key).endSecretKeyRef()
                .endValueFrom().build();
    }

    /** Only needed with some settings (the signing key with encryption): the pod starts without it in the secret. */
    private static io.fabric8.kubernetes.api.model.EnvVar optionalSecretEnv(String name, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(SECRET).withKey(key).withOptional(true)
                .endSecretKeyRef().endValueFrom().build();
    }

    private static io.fabric8.kubernetes.api.model.EnvVar configEnv(String name, String configMap, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewConfigMapKeyRef().withName(configMap).withKey(key).endConfigMapKeyRef()
                .endValueFrom().build();
    }

    private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(periodSeconds).withTimeoutSeconds(3).withFailureThreshold(failureThreshold).build();
    }

    private static Probe execProbe(List<String> command, int periodSeconds) {
        return new ProbeBuilder().withNewExec().withCommand(command).endExec()
                .withPeriodSeconds(periodSeconds).withTimeoutSeconds(3).withFailureThreshold(3).build();
    }

    private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("cpu", new Quantity(cpuRequest), "memory", new Quantity(memoryRequest)))
                .withLimits(Map.of("cpu", new Quantity(cpuLimit), "memory", new Quantity(memoryLimit)))
                .build();
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    // --- rendering -----------------------------------------------------------------------------------------------

    private static String documents(String header, List<HasMetadata> objects) {
        StringBuilder text = new StringBuilder(header);
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) {
                text.append("---\n");
            }
            text.append(write(objects.get(i)));
        }
        return text.toString();
    }

    private static String yaml(String header, Object value) {
        return header + write(value);
    }

    private static String envFile(String header, Map<String, String> values) {
        StringBuilder text = new StringBuilder(header);
        values.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return text.toString();
    }

    private static String write(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
