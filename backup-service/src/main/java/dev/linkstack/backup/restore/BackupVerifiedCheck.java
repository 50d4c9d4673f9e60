package dev.linkstack.backup.restore;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * DOWN when the most recent verification (restore test) of a backup failed. A wellness check like freshness: a
 * backup that does not restore needs an operator, not a restart or a cut-off API.
 */
@Wellness
@ApplicationScoped
public class BackupVerifiedCheck implements HealthCheck {
    @Inject
    BackupStore store;

    @Inject
    BackupConfig config;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("backup-verified");
        Optional<BackupMetadata> latest;
        try {
            latest = store.list().stream().filter(b -> config.db().name().equals(b.database()))
                    .filter(b -> b.lastVerification() != null && b.lastVerification().at() != null)
                    .max(Comparator.comparing(b -> b.lastVerification().at()));
        } catch (BackupStore.StoreException e) {
            return response.withData("error", e.getMessage()).down().build();
        }
        if (latest.isEmpty()) {
            return response.withData("lastVerification", "none yet").up().build();
        }
        BackupMetadata.Verification verification = latest.get().lastVerification();
        response.withData("backupId", latest.get().id()).withData("verifiedAt", verification.at().toString());
        if (!verification.ok()) {
            response.withData("error", Objects.toString(verification.error(), "failed"));
        }
        return response.status(verification.ok()).build();
    }
}
