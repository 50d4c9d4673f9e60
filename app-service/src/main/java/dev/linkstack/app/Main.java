package dev.linkstack.app;

import dev.linkstack.app.config.RequiredSecrets;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;

/**
 * Entry point. {@code healthcheck} probes a running instance's readiness and exits 0/1 without starting one:
 * container health checks use it because the minimal images have no curl. Otherwise the production secrets
 * are checked and Quarkus boots.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("healthcheck")) {
            System.exit(probeReadiness(args.length > 1 ? args[1] : null) ? 0 : 1);
        }
        // The build records the AppCDS archive with a run that stops after static init and never serves: no secrets.
        List<String> problems = ApplicationLifecycleManager.isAppCDSGeneration() ? List.of() : RequiredSecrets.problemsAtLaunch();
        if (!problems.isEmpty()) {
            System.err.println("Refusing to start: " + String.join("; ", problems));
            System.exit(RequiredSecrets.EXIT_CODE);
        }
        Quarkus.run(args);
    }

    /** GET /q/health/ready on this host (PORT from the environment unless a URL is given); true when 200. */
    static boolean probeReadiness(String url) {
        String port = System.getenv().getOrDefault("PORT", "8080");
        String target = url != null ? url : "http://127.0.0.1:" + port + "/q/health/ready";
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(target).openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(3000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
