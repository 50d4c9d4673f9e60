package dev.linkstack.backup.health;

import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.SQLException;

/** Ready only when pg_dump is installed and not older than the server it has to dump. */
@Readiness
@ApplicationScoped
public class PgDumpCompatibleCheck implements HealthCheck {
    @Inject
    PostgresTools tools;

    @Inject
    TargetDatabase target;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("pg_dump");
        PostgresTools.ToolVersion pgDump;
        try {
            pgDump = tools.pgDumpVersion();
        } catch (PostgresTools.ToolException e) {
            return response.withData("error", e.getMessage()).down().build();
        }
        response.withData("version", pgDump.text());
        try {
            TargetDatabase.ServerVersion server = target.serverVersion();
            response.withData("serverMajor", server.major());
            if (pgDump.major() < server.major()) {
                return response.withData("error", "pg_dump " + pgDump.major() + " is older than the server (PostgreSQL " + server.major() + ")").down().build();
            }
            return response.up().build();
        } catch (SQLException e) {
            // Compatibility cannot be judged without the server; the target-database check reports the outage.
            return response.withData("serverMajor", "unknown (database unreachable)").up().build();
        }
    }
}
