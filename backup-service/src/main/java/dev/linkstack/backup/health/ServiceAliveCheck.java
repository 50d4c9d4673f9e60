package dev.linkstack.backup.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness depends on nothing outside the process: a database outage must not get the container restarted,
 * it only makes the service unready.
 */
@Liveness
@ApplicationScoped
public class ServiceAliveCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("backup-service");
    }
}
