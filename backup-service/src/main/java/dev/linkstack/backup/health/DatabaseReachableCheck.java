package dev.linkstack.backup.health;

import dev.linkstack.backup.postgres.TargetDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.SQLException;

/** Ready only while the database to back up answers. */
@Readiness
@ApplicationScoped
public class DatabaseReachableCheck implements HealthCheck {
    @Inject
    TargetDatabase target;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("target-database")
                .withData("database", target.name())
                .withData("address", target.host() + ":" + target.port());
        try {
            return response.withData("serverVersion", target.serverVersion().text()).up().build();
        } catch (SQLException e) {
            return response.withData("error", e.getMessage()).down().build();
        }
    }
}
