package dev.linkstack.backup.store;

import dev.linkstack.backup.encryption.BackupSignatures;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.RunManifest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Signs the backups and runs made before BACKUP_SIGNING_KEY was set, which verify and restore refuse once a key is
 * configured. Signing vouches for what is in the folder now, so it is an operator's command, not an API call: whoever
 * holds the API token must not be able to bless a dump they planted. A file whose checksum no longer matches, or a
 * backup that already carries a signature (valid or not), is left as it is.
 */
@Singleton
public class SigningAdoption {
    private static final Logger LOG = Logger.getLogger(SigningAdoption.class);

    private final BackupStore backups;
    private final RunStore runs;
    private final BackupSignatures signatures;

    @Inject
    public SigningAdoption(BackupStore backups, RunStore runs, BackupSignatures signatures) {
        this.backups = backups;
        this.runs = runs;
        this.signatures = signatures;
    }

    /** What an adoption did: the ids signed, and each one left unsigned with the reason. */
    public record Outcome(List<String> signedBackups, List<String> signedRuns, List<String> leftUnsigned) {
    }

    public boolean keyConfigured() {
        return signatures.enabled();
    }

    public Outcome signUnsigned() throws IOException {
        if (!signatures.enabled()) {
            throw new IllegalStateException("no signing key is configured");
        }
        List<String> signedBackups = new ArrayList<>();
        List<String> signedRuns = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (BackupMetadata backup : backups.list()) {
            if (unsigned(backup.signature())) {
                Optional<String> damaged = Checksums.problem(backups.dumpFile(backup), backup.sha256());
                if (damaged.isPresent()) {
                    left.add("backup " + backup.id() + ": " + damaged.get());
                } else {
                    backups.writeMetadata(signatures.sign(backup));
                    signedBackups.add(backup.id());
                }
            }
        }
        for (RunManifest run : runs.list()) {
            if (unsigned(run.signature())) {
                Optional<String> damaged = run.globalsFile() == null ? Optional.empty()
                        : Checksums.problem(runs.dir().resolve(run.globalsFile()), run.globalsSha256());
                if (damaged.isPresent()) {
                    left.add("run " + run.runId() + " (globals): " + damaged.get());
                } else {
                    runs.publish(signatures.sign(run));
                    signedRuns.add(run.runId());
                }
            }
        }
        LOG.infof("signed %d backup(s) and %d run(s) made before the signing key; %d left unsigned", signedBackups.size(),
                signedRuns.size(), left.size());
        return new Outcome(signedBackups, signedRuns, left);
    }

    private static boolean unsigned(String signature) {
        return signature == null || signature.isBlank();
    }
}
