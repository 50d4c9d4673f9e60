package dev.linkstack.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link Deployment} as a Compose file. Hardening that every container gets is applied here, once:
 * read-only root filesystem, no-new-privileges, all capabilities dropped (the model adds back what an image
 * needs), a restart policy and bounded logs.
 */
public final class ComposeRenderer {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private ComposeRenderer() {
    }

    public static String render(Deployment deployment, String header) {
        // No top-level "name": older Compose implementations (docker-compose 1.x) reject it; the project name is
        // given with -p, as the usage line in the header shows.
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> services = new LinkedHashMap<>();
        for (Service service : deployment.services()) {
            services.put(service.name, service(service));
        }
        root.put("services", services);
        if (!deployment.networks().isEmpty()) {
            Map<String, Object> networks = new LinkedHashMap<>();
            for (Deployment.Network network : deployment.networks()) {
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("internal", network.internal());
                spec.put("labels", Map.of("dev.linkstack.description", network.description()));
                networks.put(network.name(), spec);
            }
            root.put("networks", networks);
        }
        Map<String, Object> volumes = new LinkedHashMap<>();
        deployment.volumes().forEach(volume -> volumes.put(volume, Map.of()));
        root.put("volumes", volumes);
        try {
            return header + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> service(Service service) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("image", service.image);
        if (service.build != null) {
            spec.put("build", orderedMap("context", service.build.context(), "dockerfile", service.build.dockerfile()));
        }
        if (service.user != null) {
            spec.put("user", service.user);
        }
        if (!service.command.isEmpty()) {
            spec.put("command", service.command);
        }
        if (!service.environment.isEmpty()) {
            spec.put("environment", service.environment);
        }
        if (!service.ports.isEmpty()) {
            spec.put("ports", service.ports);
        }
        if (!service.volumes.isEmpty()) {
            spec.put("volumes", service.volumes);
        }
        if (!service.networks.isEmpty()) {
            spec.put("networks", service.networks);
        }
        if (!service.dependsOnHealthy.isEmpty()) {
            Map<String, Object> dependsOn = new LinkedHashMap<>();
            service.dependsOnHealthy.forEach(name -> dependsOn.put(name, Map.of("condition", "service_healthy")));
            spec.put("depends_on", dependsOn);
        }
        if (service.healthcheck != null) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("test", service.healthcheck.test());
            check.put("interval", service.healthcheck.interval());
            check.put("timeout", service.healthcheck.timeout());
            check.put("retries", service.healthcheck.retries());
            check.put("start_period", service.healthcheck.startPeriod());
            spec.put("healthcheck", check);
        }
        spec.put("restart", "unless-stopped");
        spec.put("read_only", service.readOnly);
        if (!service.tmpfs.isEmpty()) {
            spec.put("tmpfs", service.tmpfs);
        }
        spec.put("security_opt", List.of("no-new-privileges:true"));
        spec.put("cap_drop", List.of("ALL"));
        if (!service.capAdd.isEmpty()) {
            spec.put("cap_add", service.capAdd);
        }
        if (service.shmSize != null) {
            spec.put("shm_size", service.shmSize);
        }
        if (service.stopGracePeriod != null) {
            spec.put("stop_grace_period", service.stopGracePeriod);
        }
        if (service.memoryLimit != null) {
            spec.put("mem_limit", service.memoryLimit);
            spec.put("cpus", service.cpus);
        }
        spec.put("logging", orderedMap("driver", "json-file", "options", orderedMap("max-size", "10m", "max-file", "3")));
        return spec;
    }

    /** Keys in the given order: generated files must be the same byte for byte on every run. */
    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
