package dev.linkstack.backup.postgres;

import dev.linkstack.platform.startup.RequiredSecrets;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Optional;

/**
 * At service start, finds the pg_dump for the server's major version, so a missing client is reported when the
 * service is deployed, not by the first scheduled backup at night. A database that is down at start does not stop
 * the service (it must come up unready); the choice is then made by the first backup and the readiness check.
 */
@Singleton
public class PgClientCheckAtStart {
    private static final Logger LOG = Logger.getLogger(PgClientCheckAtStart.class);

    private final TargetDatabase target;
    private final PostgresTools tools;

    @Inject
    public PgClientCheckAtStart(TargetDatabase target, PostgresTools tools) {
        this.target = target;
        this.tools = tools;
    }

    /** The exit code to stop with when no installed pg_dump can dump the server, or empty to go on. */
    public Optional<Integer> refusal() {
        TargetDatabase.ServerVersion server;
        try {
            server = target.serverVersion();
        } catch (SQLException e) {
            LOG.warnf("database %s is unreachable at start (%s); pg_dump is chosen once it answers", target.name(), e.getMessage());
            return Optional.empty();
        }
        try {
            tools.selectFor(server.major());
            return Optional.empty();
        } catch (PostgresTools.ToolException e) {
            LOG.errorf("Refusing to start: %s", e.getMessage());
            return Optional.of(RequiredSecrets.EXIT_CODE);
        }
    }
}
