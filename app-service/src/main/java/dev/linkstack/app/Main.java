package dev.linkstack.app;

import dev.linkstack.platform.startup.ContainerHealthCheck;
import dev.linkstack.platform.startup.RequiredSecrets;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.SmallRyeConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Entry point: {@code healthcheck} probes a running instance; otherwise the production secrets are checked and Quarkus boots. */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        ContainerHealthCheck.runIfAsked(args);
        RequiredSecrets.refuseToStartWithout(Main::requiredSecrets);
        Quarkus.run(args);
    }

    /** The secrets production needs, by the environment variable that sets them (Redis only when it is used, the
     * migration role's only when one is set). */
    static Map<String, Optional<String>> requiredSecrets(SmallRyeConfig config) {
        Map<String, Optional<String>> secrets = new LinkedHashMap<>();
        secrets.put("DB_PASSWORD", config.getOptionalValue("quarkus.datasource.password", String.class));
        if (config.getOptionalValue("quarkus.flyway.username", String.class).isPresent()) {
            // A migration role of its own needs its own password: without one, Flyway would quietly run as the app's role.
            secrets.put("DB_MIGRATION_PASSWORD", config.getOptionalValue("quarkus.flyway.password", String.class));
        }
        if (!"memory".equalsIgnoreCase(config.getValue("app.backend", String.class))) {
            secrets.put("REDIS_PASSWORD", config.getOptionalValue("quarkus.redis.password", String.class));
        }
        return secrets;
    }
}
