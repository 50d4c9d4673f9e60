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
        TargetDatabase.ServerVersion server;
        try {
            server = target.serverVersion();
        } catch (SQLException e) {
            // Compatibility cannot be judged without the server; the target-database check reports the outage.
            try {
                return response.withData("version", tools.pgDumpVersion().text()).withData("serverMajor", "unknown (database unreachable)").up().build();
            } catch (PostgresTools.ToolException missing) {
                return response.withData("error", missing.getMessage()).down().build();
            }
        }
        response.withData("serverMajor", server.major());
        try {
            PostgresTools.ToolVersion pgDump = tools.selectFor(server.major());
            return response.withData("version", pgDump.text()).withData("executable", tools.executable("pg_dump")).up().build();
        } catch (PostgresTools.ToolException e) {
            return response.withData("error", e.getMessage()).down().build();
        }
    }
}
