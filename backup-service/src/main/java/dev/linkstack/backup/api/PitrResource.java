package dev.linkstack.backup.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.linkstack.backup.pitr.BaseBackup;
import dev.linkstack.backup.pitr.BaseBackupRetention;
import dev.linkstack.backup.pitr.BaseBackups;
import dev.linkstack.backup.pitr.PitrDirs;
import dev.linkstack.backup.pitr.PitrOffsiteCopy;
import dev.linkstack.backup.pitr.PointInTimeRestore;
import dev.linkstack.backup.pitr.RestorePoints;
import dev.linkstack.backup.pitr.WalArchive;
import dev.linkstack.backup.pitr.WalReceiver;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.platform.errors.ApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.util.List;

/** Point-in-time recovery: the WAL archive, base backups, restore points and the restore into a new data directory. */
@Path("/api/pitr")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "point-in-time recovery")
@SecurityRequirement(name = "bearer")
public class PitrResource {
    private final WalReceiver receiver;
    private final BaseBackups baseBackups;
    private final RestorePoints restorePoints;
    private final PointInTimeRestore restore;
    private final BaseBackupRetention retention;
    private final BackupConfig config;
    private final PitrOffsiteCopy offsite;

    PitrResource(WalReceiver receiver, BaseBackups baseBackups, RestorePoints restorePoints, PointInTimeRestore restore,
                 BaseBackupRetention retention, BackupConfig config, PitrOffsiteCopy offsite) {
        this.receiver = receiver;
        this.offsite = offsite;
        this.retention = retention;
        this.baseBackups = baseBackups;
        this.restorePoints = restorePoints;
        this.restore = restore;
        this.config = config;
    }

    /** The archive as the API shows it. */
    public record WalView(WalReceiver.Status receiver, int completedSegments, String newestSegment, List<Integer> timelines,
                          List<Integer> historyFiles, List<WalArchive.Gap> gaps, PitrOffsiteCopy.Status offsite) {
    }

    @GET
    @Path("/wal")
    @Operation(summary = "The WAL archive: receiver state, newest segment, timelines and gaps",
            description = "With 'offsite', how the off-site copy of base backups and WAL goes: what is pending, when it last caught up, "
                    + "since when it fails (null when it does not) and the last failure")
    public WalView wal() {
        WalArchive.Listing listing;
        try {
            listing = WalArchive.scan(PitrDirs.wal(config));
        } catch (IOException e) {
            throw ApiException.unavailable("Cannot list the WAL archive: " + e.getMessage());
        }
        return new WalView(receiver.status(), listing.completedSegments(),
                listing.newest().map(s -> s.name() + (s.partial() ? ".partial" : "")).orElse(null),
                List.copyOf(listing.timelines().keySet()), listing.histories(), listing.gaps(), offsite.status());
    }

    /** A base backup as the API lists it: with what retention would do with it if it ran now. */
    @RegisterForReflection(targets = {BaseBackupView.class, BaseBackup.class, BaseBackup.FileSum.class})
    public record BaseBackupView(@JsonUnwrapped BaseBackup backup, String retention, String keptBecause) {
    }

    @GET
    @Path("/base-backups")
    @Operation(summary = "Base backups, newest first, with their start time and LSN, end LSN and timeline",
            description = "Each with 'type' (full or incremental), 'parent' (the base backup an incremental one was taken on, null for a full "
                    + "one) and 'retention': \"keep\" (and 'keptBecause', e.g. an incremental kept is taken on it) or \"delete\", what "
                    + "retention would do if it ran now")
    public List<BaseBackupView> baseBackups() {
        List<BaseBackup> listed = baseBackups.list();
        java.util.Map<String, String> kept = retention.decide(listed).keptBecause();
        return listed.stream().map(b -> new BaseBackupView(b, kept.containsKey(b.id()) ? "keep" : "delete", kept.get(b.id()))).toList();
    }

    @GET
    @Path("/retention-preview")
    @Operation(summary = "What base backup retention and WAL pruning would delete now (nothing is deleted)",
            description = "The base backups it would delete and keep (and why), the oldest one kept, the first WAL segment kept and how "
                    + "many archive files would go, or why none would")
    public BaseBackupRetention.Preview retentionPreview() {
        return retention.preview();
    }

    @POST
    @Path("/base-backups")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Take a base backup now (pg_basebackup, tar, gzip, WAL streamed)",
            description = "No body. ?type=full, ?type=incremental (pg_basebackup --incremental on the newest base backup's manifest: "
                    + "PostgreSQL 17+ with summarize_wal on) or none (what backup.base.incremental says is next). 201 with the published base "
                    + "backup ('type' full or incremental, 'parent' the id it was taken on); 400 another type; 409 while one runs; 422 with "
                    + "pg_basebackup's reason (incremental_failed for an incremental one; without a type a full one is taken then), or "
                    + "(incremental_not_possible) why no incremental one can be taken")
    public Response takeBaseBackup(@Parameter(description = "full, incremental, or none for the configured choice") @QueryParam("type") String type,
                                   String body) {
        RequestChecks.requireNoBody(body);
        return Response.status(201).entity(baseBackups.take("api", type)).build();
    }

    @GET
    @Path("/restore-points")
    @Operation(summary = "Restore points made through the service, newest first")
    public List<RestorePoints.RestorePoint> restorePoints() {
        return restorePoints.list();
    }

    @POST
    @Path("/restore-points")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a named restore point (pg_create_restore_point)",
            description = "{\"name\": \"before-migration\"}: 1-63 letters, digits, _ and -. 201; 400 for a bad name; 409 when it exists")
    public Response createRestorePoint(PitrRequests.RestorePointRequest request) {
        String name = RequestChecks.requireBody(request, "Name the restore point: {\"name\": \"before-migration\"}").name();
        return Response.status(201).entity(restorePoints.create(name)).build();
    }

    @POST
    @Path("/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Prepare a new data directory that recovers to a point in time",
            description = "{\"directory\": \"/restore/pgdata\", \"target\": \"latest\" | \"2026-03-18T14:02:59+01:00\"} or "
                    + "{\"directory\": ..., \"restorePoint\": \"name\"}, with \"identity\" (AGE-SECRET-KEY-1...) for an encrypted archive and "
                    + "\"source\": \"local\" (the default) or \"offsite\" to first fetch what the local archive lacks from the off-site copy; the "
                    + "directory must lie inside the restore root (BACKUP_PITR_RESTORE_ROOT). 200 with what was prepared; 400 bad input, outside "
                    + "the root or (offsite_not_configured) no off-site store; 409 directory not empty; 422 no fitting base backup (locally or "
                    + "off-site) or a gap in the WAL it needs; 502 the off-site copy could not be read")
    public PointInTimeRestore.Result restore(PitrRequests.RestoreRequest request) {
        PitrRequests.RestoreRequest given = RequestChecks.requireBody(request,
                "Send {\"directory\": \"" + PitrDirs.restoreRoot(config) + "/pgdata\", \"target\": \"latest\"}");
        return restore.restoreInsideRoot(given.directory(), new PointInTimeRestore.Target(given.target(), given.restorePoint(),
                RequestChecks.ageIdentity(given.identity())), PointInTimeRestore.Source.parse(given.source()));
    }
}
