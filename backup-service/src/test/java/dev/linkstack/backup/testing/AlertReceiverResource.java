package dev.linkstack.backup.testing;

import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/**
 * A local webhook receiver and dead man's switch for the service's alerts, plus hooks that write to a scratch
 * directory: the pre-hook fails while the file {@code fail-pre} exists there, the post-hook appends to {@code post.log}.
 */
public class AlertReceiverResource implements QuarkusTestResourceLifecycleManager {
    private static WebhookReceiver receiver;
    private static Path hookDir;

    public static WebhookReceiver receiver() {
        return receiver;
    }

    public static Path hookDir() {
        return hookDir;
    }

    @Override
    public Map<String, String> start() {
        receiver = WebhookReceiver.start();
        hookDir = Processes.openTempDir("hooks-");
        return Map.of(
                "backup.alerts.webhook-url", receiver.url("/hook"),
                "backup.alerts.ping-url", receiver.url("/ping/abc-123"),
                "backup.alerts.backoff", "PT0.2S",
                "backup.alerts.attempts", "4",
                "backup.hooks.pre", "if [ -e '" + hookDir + "/fail-pre' ]; then echo 'maintenance window: no backups now'; exit 3; fi; echo pre-hook ran",
                "backup.hooks.post", "echo \"$BACKUP_STATUS $BACKUP_ID\" >> '" + hookDir + "/post.log'",
                "backup.hooks.timeout", "PT20S");
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (hookDir != null) {
            Processes.deleteRecursively(hookDir);
        }
    }
}
