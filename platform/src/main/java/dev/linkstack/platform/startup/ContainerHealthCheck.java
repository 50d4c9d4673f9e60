package dev.linkstack.platform.startup;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * {@code <service> healthcheck [url]} probes a running instance's readiness and exits 0 or 1 without starting one:
 * container health checks use it because the minimal images have no curl.
 */
public final class ContainerHealthCheck {
    public static final String COMMAND = "healthcheck";

    private ContainerHealthCheck() {
    }

    /** Probes and exits when the arguments ask for the health check; returns otherwise. */
    public static void runIfAsked(String... args) {
        if (args.length > 0 && args[0].equals(COMMAND)) {
            System.exit(isReady(args.length > 1 ? args[1] : null) ? 0 : 1);
        }
    }

    /** GET /q/health/ready on this host (PORT from the environment unless a URL is given); true when 200. */
    static boolean isReady(String url) {
        String target = url != null ? url : "http://127.0.0.1:" + System.getenv().getOrDefault("PORT", "8080") + "/q/health/ready";
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(target).toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(3000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
