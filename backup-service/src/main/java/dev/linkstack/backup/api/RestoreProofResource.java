package dev.linkstack.backup.api;

import dev.linkstack.backup.pitr.PointInTimeRestore;
import dev.linkstack.backup.pitr.RestoreProof;
import dev.linkstack.backup.pitr.RestoreProofResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Proof that a point-in-time restore works: restored into a scratch cluster the service starts, checks and removes. */
@Path("/api/pitr/proofs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "point-in-time recovery")
@SecurityRequirement(name = "bearer")
public class RestoreProofResource {
    private final RestoreProof proof;

    RestoreProofResource(RestoreProof proof) {
        this.proof = proof;
    }

    /** POST /api/pitr/proofs: {@code target} ("latest" or an ISO-8601 time with offset) or {@code restorePoint}; none: latest. */
    public record ProofRequest(String target, String restorePoint) {
    }

    @GET
    @Operation(summary = "Recent proofs of a point-in-time restore, newest first")
    public List<RestoreProofResult> recent() {
        return proof.recent();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Prove a point-in-time restore now: restore into a scratch cluster, recover to the target, count rows, run the probe, remove it",
            description = "{\"target\": \"latest\" | \"2026-03-18T14:02:59+01:00\"} or {\"restorePoint\": \"name\"}. 200 with the result when the "
                    + "proof succeeded; 422 with the result and its error when it failed; 400 bad target; 409 while a proof or a restore runs")
    public Response prove(ProofRequest request) {
        PointInTimeRestore.Target target = request == null || (request.target() == null && request.restorePoint() == null)
                ? new PointInTimeRestore.Target("latest", null) : new PointInTimeRestore.Target(request.target(), request.restorePoint());
        RestoreProofResult result = proof.prove(target, "api");
        return Response.status(result.ok() ? 200 : 422).entity(result).build();
    }

    /** A bare POST (any or no content type) proves a restore to the end of the archive. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(hidden = true)
    public Response proveLatest(String body) {
        RequestChecks.requireNoBody(body);
        return prove(null);
    }
}
