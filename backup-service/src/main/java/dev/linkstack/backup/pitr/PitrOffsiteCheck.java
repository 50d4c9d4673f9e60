package dev.linkstack.backup.pitr;

import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * {@code pitr-offsite} (wellness, like wal-archive): DOWN while the rounds copying base backups and WAL off-site fail,
 * with the newest failure; UP again once a round has copied everything, the last failure still shown. UP (with
 * "disabled") without off-site copies.
 */
@Wellness
@ApplicationScoped
public class PitrOffsiteCheck implements HealthCheck {
    @Inject
    PitrOffsiteCopy copy;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("pitr-offsite");
        PitrOffsiteCopy.Status status = copy.status();
        if (!status.enabled()) {
            return response.withData("offsite", "disabled").up().build();
        }
        response.withData("pending", status.pending()).withData("failures", status.failures());
        if (status.caughtUpAt() != null) {
            response.withData("caughtUpAt", status.caughtUpAt().toString());
        }
        if (status.lastFailureAt() != null) {
            response.withData("lastFailureAt", status.lastFailureAt().toString()).withData("lastFailure", status.lastFailure());
        }
        if (status.failingSince() != null) {
            response.withData("failingSince", status.failingSince().toString());
        }
        return response.status(status.failingSince() == null).build();
    }
}
