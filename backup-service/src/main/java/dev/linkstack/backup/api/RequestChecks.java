package dev.linkstack.backup.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.platform.errors.ApiException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.util.Optional;

/** Request checks shared by the resources: ids, the listed backup they name, optional JSON bodies, age keys. */
@jakarta.inject.Singleton
public class RequestChecks {
    private final BackupStore store;
    private final ObjectMapper json;

    RequestChecks(BackupStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** The listed backup with this id: 400 for an invalid id, 404 for an unknown one. */
    BackupMetadata backup(String id) {
        if (!BackupId.isValid(id)) {
            throw ApiException.badRequest("Invalid backup id");
        }
        return store.find(id).orElseThrow(() -> ApiException.notFound("No backup " + id));
    }

    /**
     * An optional JSON body as its record: a bare POST (any or no content type, as curl sends it) must work, so the
     * body is read only when there is one, and then only as application/json.
     */
    <T> Optional<T> optionalBody(String body, HttpHeaders headers, Class<T> type) throws IOException {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        if (!MediaType.APPLICATION_JSON_TYPE.isCompatible(headers.getMediaType())) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
        }
        return Optional.ofNullable(json.readValue(body, type));
    }

    /** A malformed key is the caller's mistake (400), not a damaged backup (422). */
    static Optional<String> ageIdentity(String identity) {
        if (identity != null && !identity.strip().startsWith("AGE-SECRET-KEY-1")) {
            throw ApiException.badRequest("'identity' must be an age X25519 private key (AGE-SECRET-KEY-1...)");
        }
        return Optional.ofNullable(identity);
    }
}
