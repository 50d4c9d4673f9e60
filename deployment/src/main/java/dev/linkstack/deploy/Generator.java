package dev.linkstack.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders every generated deployment file from {@link DeploymentModel}. Run it with
 * {@code ./mvnw -pl deployment -am process-classes -Pregenerate}; a test fails when the committed files differ.
 */
public final class Generator {
    private Generator() {
    }

    /** Relative path → content of every generated file. */
    public static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("deploy/docker-compose.yml", ComposeRenderer.render(DeploymentModel.dev(), header("#",
                "Dev: the app on its embedded SQLite database (a named volume), nothing else to run.",
                "docker compose -p " + DeploymentModel.dev().projectName() + " -f deploy/docker-compose.yml --env-file .env.docker up -d --build")));
        files.put("deploy/docker-compose.production.yml", ComposeRenderer.render(DeploymentModel.production(), header("#",
                "Production: PostgreSQL and Redis on an internal network, " + DeploymentModel.APP_INSTANCES
                        + " app instances behind Nginx, backups to a host folder.",
                "docker compose -p " + DeploymentModel.production().projectName() + " -f deploy/docker-compose.production.yml --env-file .env.production up -d --build")));
        files.put("deploy/nginx/nginx.conf", NginxConfig.render(NginxConfig.compose(), header("#",
                "Nginx in front of the app instances of deploy/docker-compose.production.yml.", null)));
        files.put(DatabaseRoles.SCRIPT_PATH, DatabaseRoles.script(header("#",
                "The database's roles, from deployment/src/main/resources/postgres/init-roles.sh; run by the postgres container on its first start.", null)));
        files.put(WalArchiving.HBA_PATH, composeHbaFile());
        files.put(".env.production.example", EnvExample.render(header("#", "Settings of deploy/docker-compose.production.yml.", null),
                "# Copy to .env.production, replace every change-me placeholder, then:\n"
                        + "#   docker compose -p linkstack -f deploy/docker-compose.production.yml --env-file .env.production up -d --build\n",
                DeploymentModel.productionEnv()));
        files.put(".env.docker.example", EnvExample.render(header("#", "Settings of deploy/docker-compose.yml (dev).", null),
                "# Copy to .env.docker, adjust, then:\n"
                        + "#   docker compose -p linkstack-dev -f deploy/docker-compose.yml --env-file .env.docker up -d --build\n",
                DeploymentModel.dockerEnv()));
        files.putAll(KubernetesManifests.files(header("#", "Kubernetes manifests of the same deployment (kustomize base, component, overlays).",
                "kubectl apply -k deploy/kubernetes/overlays/prod")));
        return files;
    }

    /** The Compose file's pg_hba: PostgreSQL is on the internal backend network only, so samenet is that network. */
    static String composeHbaFile() {
        return WalArchiving.hbaFile(header("#", "PostgreSQL's client authentication in deploy/docker-compose.production.yml (hba_file, mounted read-only).", null),
                WalArchiving.COMPOSE_REPLICATION_FROM, "the internal " + DeploymentModel.BACKEND_NETWORK + " network (samenet: the subnets of PostgreSQL's own interfaces)");
    }

    static String header(String comment, String what, String usage) {
        StringBuilder text = new StringBuilder()
                .append(comment).append(" Generated from deployment/src/main/java/dev/linkstack/deploy/DeploymentModel.java — do not edit.\n")
                .append(comment).append(" Regenerate with: ./mvnw -pl deployment -am process-classes -Pregenerate\n")
                .append(comment).append(' ').append(what).append('\n');
        if (usage != null) {
            text.append(comment).append(" Usage: ").append(usage).append('\n');
        }
        return text.append('\n').toString();
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        for (Map.Entry<String, String> file : files().entrySet()) {
            Path target = root.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            System.out.println("wrote " + root.relativize(target));
        }
    }
}
