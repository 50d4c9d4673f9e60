package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.io.IOException;
import java.time.Clock;
import java.util.stream.Collectors;

/**
 * {@code wal-archive} (wellness, like backup-freshness): DOWN when pg_receivewal has been down longer than
 * BACKUP_WAL_DOWN_GRACE, or when a segment is missing between the first and the newest of a timeline — a restore
 * could not replay past it, or when a timeline after the first has no history file. Lists the archived timelines. UP
 * (with "disabled") when WAL archiving is off.
 */
@Wellness
@ApplicationScoped
public class WalArchiveCheck implements HealthCheck {
    @Inject
    BackupConfig config;

    @Inject
    WalReceiver receiver;

    @Inject
    Clock clock;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("wal-archive");
        if (!config.wal().enabled()) {
            return response.withData("archiving", "disabled").up().build();
        }
        WalReceiver.Status status = receiver.status();
        response.withData("receiverRunning", status.running()).withData("restarts", status.restarts())
                .withData("slotLagBytes", status.slotLagBytes());
        if (status.newestSegment() != null) {
            response.withData("newestSegment", status.newestSegment());
        }
        boolean up = true;
        if (!status.running() && status.downSince() != null && status.downSince().plus(config.wal().downGrace()).isBefore(clock.instant())) {
            response.withData("receiverDownSince", status.downSince().toString());
            if (status.lastExit() != null) {
                response.withData("lastExit", status.lastExit());
            }
            up = false;
        }
        try {
            WalArchive.Listing listing = WalArchive.scan(PitrDirs.wal(config));
            if (!listing.timelines().isEmpty()) {
                response.withData("timelines", listing.timelines().keySet().stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
            // Without its history file a restore cannot follow a timeline switch from an older base backup.
            String noHistory = listing.timelines().keySet().stream().filter(t -> t > 1 && !listing.histories().contains(t))
                    .map(String::valueOf).collect(Collectors.joining(", "));
            if (!noHistory.isEmpty()) {
                response.withData("missingHistoryFiles", "timeline " + noHistory);
                up = false;
            }
            if (!listing.gaps().isEmpty()) {
                response.withData("gaps", listing.gaps().stream().map(g -> "timeline " + g.timeline() + ": " + g.describe())
                        .collect(Collectors.joining("; ")));
                up = false;
            }
        } catch (IOException e) {
            response.withData("error", "cannot list the WAL archive: " + e.getMessage());
            up = false;
        }
        return response.status(up).build();
    }
}
