package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.Base64;
import java.util.HexFormat;

/** The dump file of a backup as an HTTP download, with its checksum; for the REST API and the backups page. */
public final class Downloads {
    static final String CHECKSUM_HEADER = "X-Checksum-SHA256";

    private Downloads() {
    }

    /** The dump streamed from disk, named as on disk, with its SHA-256 in X-Checksum-SHA256 and Repr-Digest. */
    public static Response dump(BackupStore store, BackupMetadata backup) {
        java.nio.file.Path file = store.dumpFile(backup);
        String digest = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(backup.sha256()));
        return Response.ok(file.toFile(), backup.format().contentType())
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file.getFileName() + "\"")
                .header(CHECKSUM_HEADER, backup.sha256())
                .header("Repr-Digest", "sha-256=:" + digest + ":")
                .build();
    }
}
