package dev.linkstack.backup.health;

import dev.linkstack.backup.store.BackupStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;

/** Ready only while a backup could actually be written. */
@Readiness
@ApplicationScoped
public class BackupDirectoryCheck implements HealthCheck {
    @Inject
    BackupStore store;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("backup-directory").withData("path", store.dir().toString());
        try {
            store.ensureWritable();
            return response.withData("freeBytes", store.dir().toFile().getUsableSpace()).up().build();
        } catch (IOException | RuntimeException e) {
            return response.withData("error", "not writable: " + e.getMessage()).down().build();
        }
    }
}
