package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.platform.errors.ApiException;

import java.util.Optional;

/** Request checks shared by the resources: the listed backup an id names, bare POSTs, required bodies, age keys. */
@jakarta.inject.Singleton
public class RequestChecks {
    private final BackupStore store;

    RequestChecks(BackupStore store) {
        this.store = store;
    }

    /** The listed backup with this id: 400 for an invalid id, 404 for an unknown one. */
    BackupMetadata backup(String id) {
        if (!BackupId.isValid(id)) {
            throw ApiException.badRequest("Invalid backup id");
        }
        return store.find(id).orElseThrow(() -> ApiException.notFound("No backup " + id));
    }

    /** Endpoints whose JSON body is optional also take a bare POST; a body in anything but JSON is refused. */
    static void requireNoBody(String body) {
        if (body != null && !body.isBlank()) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
        }
    }

    /** A JSON body an endpoint cannot do without: 400 with an example of one when it is missing. */
    static <T> T requireBody(T body, String example) {
        if (body == null) {
            throw ApiException.badRequest(example);
        }
        return body;
    }

    /** A malformed key is the caller's mistake (400), not a damaged backup (422). */
    static Optional<String> ageIdentity(String identity) {
        if (identity != null && !identity.strip().startsWith("AGE-SECRET-KEY-1")) {
            throw ApiException.badRequest("'identity' must be an age X25519 private key (AGE-SECRET-KEY-1...)");
        }
        return Optional.ofNullable(identity);
    }
}
