package dev.linkstack.backup.cli;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.postgres.PgClientCheckAtStart;
import dev.linkstack.backup.retention.RetentionService;
import dev.linkstack.platform.startup.ContainerHealthCheck;
import dev.linkstack.platform.startup.RequiredSecrets;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger(BackupServiceMain.class);

    @Inject
    BackupConfig config;

    @Inject
    BackupCommandLine commandLine;

    @Inject
    PgClientCheckAtStart pgClientCheck;

    public static void main(String... args) {
        ContainerHealthCheck.runIfAsked(args);
        if (args.length > 0) {
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("backup.cron", "off");
            // A command never archives WAL or takes scheduled base backups: the running service does.
            System.setProperty("backup.wal.enabled", "false");
            System.setProperty("backup.base.cron", "off");
            System.setProperty("backup.api.enabled", "false");
            System.setProperty("quarkus.banner.enabled", "false");
            // Command output goes to stdout; keep it free of log lines.
            System.setProperty("quarkus.log.console.stderr", "true");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        }
        Quarkus.run(BackupServiceMain.class, args);
    }

    @Override
    public int run(String... args) {
        // Nothing at boot needs a secret, so the check waits for the config mapping, native executable included; a
        // command runs with the API off (set in main), so it needs no API token.
        Optional<Integer> missingSecret = RequiredSecrets.refusal(BackupConfig.requiredSecrets(config));
        if (missingSecret.isPresent()) {
            return missingSecret.get();
        }
        if (args.length == 0) {
            List<String> keepsNothing = RetentionService.refusals(config);
            if (!keepsNothing.isEmpty()) {
                LOG.errorf("Refusing to start: %s", String.join("; ", keepsNothing));
                return RequiredSecrets.EXIT_CODE;
            }
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
