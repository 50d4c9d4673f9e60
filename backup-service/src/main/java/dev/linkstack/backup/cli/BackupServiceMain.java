package dev.linkstack.backup.cli;

import dev.linkstack.backup.config.RequiredSecrets;
import dev.linkstack.backup.postgres.PgClientCheckAtStart;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One artifact, two uses: without arguments it runs the service; with a command it runs that command and exits
 * with its status, without opening the HTTP port or starting the schedule (so it can run next to the service).
 */
@QuarkusMain
public class BackupServiceMain implements QuarkusApplication {

    @Inject
    BackupCommandLine commandLine;

    @Inject
    RequiredSecrets requiredSecrets;

    @Inject
    PgClientCheckAtStart pgClientCheck;

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("healthcheck")) {
            // Container health check of the minimal native image (no curl): probe readiness, do not start a service.
            System.exit(readinessIsUp(args.length > 1 ? args[1] : null) ? 0 : 1);
        }
        if (args.length > 0) {
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("backup.cron", "off");
            System.setProperty("backup.api.enabled", "false");
            System.setProperty("quarkus.banner.enabled", "false");
            // Command output goes to stdout; keep it free of log lines.
            System.setProperty("quarkus.log.console.stderr", "true");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        }
        Quarkus.run(BackupServiceMain.class, args);
    }

    /** GET /q/health/ready on this host (PORT from the environment unless a URL is given); true when 200. */
    static boolean readinessIsUp(String url) {
        String target = url != null ? url : "http://127.0.0.1:" + System.getenv().getOrDefault("PORT", "8080") + "/q/health/ready";
        try {
            java.net.HttpURLConnection connection = (java.net.HttpURLConnection) new java.net.URL(target).openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(3000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public int run(String... args) {
        Optional<Integer> refusal = requiredSecrets.refusal();
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (args.length == 0) {
            Optional<Integer> noClient = pgClientCheck.refusal();
            if (noClient.isPresent()) {
                return noClient.get();
            }
            Quarkus.waitForExit();
            return 0;
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return commandLine.execute(List.of(args), System.out, System.err, stdin);
    }
}
