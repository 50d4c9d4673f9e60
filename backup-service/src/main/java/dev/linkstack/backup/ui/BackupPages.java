package dev.linkstack.backup.ui;

import dev.linkstack.backup.api.ApiTokenCheck;
import dev.linkstack.backup.api.Downloads;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.health.BackupFreshnessCheck;
import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.pitr.BaseBackup;
import dev.linkstack.backup.pitr.BaseBackups;
import dev.linkstack.backup.pitr.PitrRefusal;
import dev.linkstack.backup.pitr.PointInTimeRestore;
import dev.linkstack.backup.pitr.RestoreProof;
import dev.linkstack.backup.pitr.RestoreProofResult;
import dev.linkstack.backup.restore.BackupVerification;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.VerifyReport;
import dev.linkstack.backup.store.BackupStore;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.health.api.Wellness;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The backups page: list with age, size, checksum and status; a freshness badge; buttons to back up now, verify
 * and download. Signed in with the API token, which is exchanged for a short-lived page session.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class BackupPages {
    private final BackupStore store;
    private final BackupJobs jobs;
    private final BackupVerification verification;
    private final BackupConfig config;
    private final ApiTokenCheck token;
    private final PageSessions sessions;
    private final SignInThrottle throttle;
    private final BackupFreshnessCheck freshness;
    private final Clock clock;
    private final RestoreProof proof;
    private final BaseBackups baseBackups;

    BackupPages(BackupStore store, BackupJobs jobs, BackupVerification verification, BackupConfig config, ApiTokenCheck token,
                PageSessions sessions, SignInThrottle throttle, @Wellness BackupFreshnessCheck freshness, Clock clock, RestoreProof proof,
                BaseBackups baseBackups) {
        this.proof = proof;
        this.baseBackups = baseBackups;
        this.store = store;
        this.jobs = jobs;
        this.verification = verification;
        this.config = config;
        this.token = token;
        this.sessions = sessions;
        this.throttle = throttle;
        this.freshness = freshness;
        this.clock = clock;
    }

    @GET
    public Response page(@CookieParam(PageSessions.COOKIE) String session, @QueryParam("notice") String notice) {
        return sessions.find(session).map(s -> html(200, backupsPage(s, noticeText(notice), null))).orElseGet(BackupPages::toLogin);
    }

    @GET
    @Path("/login")
    public TemplateInstance loginPage() {
        return Pages.login(null);
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@RestForm("token") String presented, @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        OptionalLong wait = throttle.reserve(address);
        if (wait.isPresent()) {
            return Response.fromResponse(html(429, Pages.login("Too many wrong tokens from your address; try again in " + wait.getAsLong() + " seconds")))
                    .header(HttpHeaders.RETRY_AFTER, wait.getAsLong()).build();
        }
        if (!token.accepts(presented)) {
            return html(401, Pages.login(token.configured() ? "That is not the API token of this service" : "No API token is configured (BACKUP_API_TOKEN)"));
        }
        throttle.giveBack(address);
        return Response.seeOther(URI.create("/ui")).header(HttpHeaders.SET_COOKIE, sessions.cookie(sessions.start())).build();
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@CookieParam(PageSessions.COOKIE) String session, @RestForm("csrf") String csrf) {
        if (!sessions.acceptsForm(session, csrf)) {
            return rejected();
        }
        sessions.end(session);
        return Response.seeOther(URI.create("/ui/login")).header(HttpHeaders.SET_COOKIE, sessions.expiredCookie()).build();
    }

    @POST
    @Path("/backups")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response backUpNow(@CookieParam(PageSessions.COOKIE) String session, @RestForm("csrf") String csrf) {
        if (!sessions.acceptsForm(session, csrf)) {
            return rejected();
        }
        try {
            jobs.start("ui", config.compression());
            return seeOther("/ui?notice=started");
        } catch (BackupAlreadyRunningException e) {
            return html(409, backupsPage(sessions.find(session).orElseThrow(), "A backup is already running: " + e.getMessage(), null));
        }
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response verify(@CookieParam(PageSessions.COOKIE) String session, @RestForm("csrf") String csrf, @RestForm("id") String id) {
        if (!sessions.acceptsForm(session, csrf)) {
            return rejected();
        }
        PageSessions.Session signedIn = sessions.find(session).orElseThrow();
        BackupMetadata backup = find(id);
        if (backup == null) {
            return html(404, backupsPage(signedIn, "No backup " + id, null));
        }
        try {
            VerifyReport report = verification.verify(backup, "ui");
            return html(report.ok() ? 200 : 422, backupsPage(signedIn, null, report));
        } catch (MissingKeyException e) {
            // The page never asks for a private key; encrypted backups are verified with the CLI or the API.
            return html(400, backupsPage(signedIn, e.getMessage(), null));
        } catch (DatabaseUnavailableException e) {
            return html(503, backupsPage(signedIn, "Cannot verify now: " + e.getMessage(), null));
        }
    }

    @POST
    @Path("/pitr-proof")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response proveRestore(@CookieParam(PageSessions.COOKIE) String session, @RestForm("csrf") String csrf) {
        if (!sessions.acceptsForm(session, csrf)) {
            return rejected();
        }
        PageSessions.Session signedIn = sessions.find(session).orElseThrow();
        try {
            RestoreProofResult result = proof.prove(new PointInTimeRestore.Target("latest", null), "ui");
            return html(result.ok() ? 200 : 422, backupsPage(signedIn, null, null));
        } catch (PitrRefusal e) {
            return html(e.status(), backupsPage(signedIn, "Cannot prove a restore now: " + e.getMessage(), null));
        }
    }

    @GET
    @Path("/download")
    @Produces(MediaType.WILDCARD)
    public Response download(@CookieParam(PageSessions.COOKIE) String session, @QueryParam("id") String id) {
        Optional<PageSessions.Session> signedIn = sessions.find(session);
        if (signedIn.isEmpty()) {
            return toLogin();
        }
        BackupMetadata backup = find(id);
        return backup == null ? html(404, backupsPage(signedIn.get(), "No backup " + id, null)) : Downloads.dump(store, backup);
    }

    private TemplateInstance backupsPage(PageSessions.Session session, String notice, VerifyReport report) {
        Instant now = clock.instant();
        List<Pages.Row> rows = store.list().stream().map(b -> row(b, now)).toList();
        HealthCheckResponse check = freshness.call();
        Map<String, Object> data = check.getData().orElse(Map.of());
        String lastSuccess = rows.stream().filter(r -> BackupMetadata.SUCCEEDED.equals(r.status())).map(Pages.Row::startedAt).findFirst()
                .orElse("none yet");
        Pages.Freshness fresh = new Pages.Freshness(check.getStatus() == HealthCheckResponse.Status.UP, lastSuccess,
                String.valueOf(data.getOrDefault("maxAge", "no schedule")));
        String running = jobs.running().map(BackupJob::id).orElse(null);
        RestoreProofResult lastProof;
        try {
            lastProof = proof.recent().stream().findFirst().orElse(null);
        } catch (PitrRefusal e) {
            lastProof = null;
        }
        List<BaseBackup> bases;
        try {
            bases = baseBackups.list();
        } catch (PitrRefusal e) {
            bases = List.of();
        }
        return Pages.backups(session.csrfToken(), rows, fresh, running, notice, report, lastProof, bases);
    }

    private BackupMetadata find(String id) {
        if (!BackupId.isValid(id)) {
            return null;
        }
        return store.list().stream().filter(b -> b.id().equals(id)).findFirst().orElse(null);
    }

    private static Pages.Row row(BackupMetadata b, Instant now) {
        return new Pages.Row(b.id(), b.database(), String.valueOf(b.startedAt().truncatedTo(ChronoUnit.SECONDS)), age(Duration.between(b.startedAt(), now)),
                size(b.sizeBytes()), b.sha256(), b.sha256() == null ? "" : b.sha256().substring(0, Math.min(12, b.sha256().length())),
                b.status(), String.valueOf(b.format()).toLowerCase(Locale.ROOT));
    }

    static String age(Duration age) {
        if (age.toMinutes() < 1) {
            return "just now";
        }
        if (age.toHours() < 1) {
            return age.toMinutes() + " min ago";
        }
        if (age.toDays() < 2) {
            return age.toHours() + " h ago";
        }
        return age.toDays() + " days ago";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String noticeText(String code) {
        return "started".equals(code) ? "Backup started. Reload to see it when it has finished." : null;
    }

    private static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    private static Response toLogin() {
        return seeOther("/ui/login");
    }

    /** Not signed in, or a form that did not come from this session's page (cross-site request forgery). */
    private static Response rejected() {
        return Response.status(403).type(MediaType.TEXT_HTML_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(Pages.rejected()).build();
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store").entity(page).build();
    }
}
