package dev.linkstack.app.ui;

import dev.linkstack.app.links.Link;
import dev.linkstack.app.links.LinkService;
import dev.linkstack.app.links.ShortUrls;
import dev.linkstack.app.stats.StatsRange;
import dev.linkstack.app.stats.VisitStatistics;
import dev.linkstack.app.links.Tags;
import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.errors.NotFound;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The signed-in user's links: list, search, create, edit, delete, statistics and QR code. */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
public class DashboardPages {
    private static final int PAGE_SIZE = 20;

    private final LinkService links;
    private final VisitStatistics statistics;
    private final SignedIn signedIn;
    private final ShortUrls shortUrls;
    private final Clock clock;

    @Context
    UriInfo uriInfo;

    DashboardPages(LinkService links, VisitStatistics statistics, SignedIn signedIn, ShortUrls shortUrls, Clock clock) {
        this.links = links;
        this.statistics = statistics;
        this.signedIn = signedIn;
        this.shortUrls = shortUrls;
        this.clock = clock;
    }

    @GET
    public TemplateInstance dashboard(@QueryParam("q") String search, @QueryParam("page") String page, @QueryParam("tag") String tag) {
        return dashboardPage(signedIn.require(), search, Pages.Paging.requested(page), Pages.Form.empty(), tag);
    }

    @POST
    @Path("/links")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@RestForm String url, @RestForm String code, @RestForm String expiresAt, @RestForm String tags,
                           @RestForm String password) {
        SignedIn.Account account = signedIn.require();
        Map<String, String> values = Map.of("url", AccountPages.nullToEmpty(url), "code", AccountPages.nullToEmpty(code),
                "expiresAt", AccountPages.nullToEmpty(expiresAt), "tags", AccountPages.nullToEmpty(tags));
        try {
            Link link = links.create(account.id(), url, blankToNull(code), parseExpiry(expiresAt), Tags.parse(tags, "tags"), emptyToNull(password));
            return SignedIn.seeOther(linkPath(link.code) + "&created=1");
        } catch (DomainError e) {
            FieldError error = FieldError.of(e);
            return AccountPages.page(error.status(), dashboardPage(account, null, 0, error.form(values), null));
        }
    }

    @GET
    @Path("/link")
    public TemplateInstance link(@QueryParam("code") String code, @QueryParam("created") String created,
                                 @QueryParam("saved") String saved, @QueryParam("days") String days,
                                 @QueryParam("from") String from, @QueryParam("to") String to) {
        SignedIn.Account account = signedIn.require();
        String notice = created != null ? "Link created." : saved != null ? "Changes saved." : null;
        Link link = links.get(account.id(), code);
        try {
            return linkPage(account, link, Pages.Form.empty(), notice, StatsRange.of(days, from, to, clock));
        } catch (InvalidInput e) {
            return linkPage(account, link, Pages.Form.empty(), e.getMessage() + "; showing the last " + StatsRange.DEFAULT_DAYS + " days.");
        }
    }

    /** All the user's links together: clicks over time, bots, unique visitors and the top links. */
    @GET
    @Path("/stats")
    public TemplateInstance overview(@QueryParam("days") String days, @QueryParam("from") String from, @QueryParam("to") String to) {
        SignedIn.Account account = signedIn.require();
        StatsRange range;
        try {
            range = StatsRange.of(days, from, to, clock);
        } catch (InvalidInput e) {
            range = StatsRange.lastDays(StatsRange.DEFAULT_DAYS, clock);
        }
        VisitStatistics.Overview stats = statistics.ofAccount(account.id(), range, VisitStatistics.DEFAULT_TOP);
        return Pages.overview(account, stats, ClickChart.svg(stats.daily()), StatsPage.picker(range, clock, ""));
    }

    @GET
    @Path("/link/qr.svg")
    @Produces("image/svg+xml")
    public String qr(@QueryParam("code") String code) {
        SignedIn.Account account = signedIn.require();
        String shortUrl = shortUrl(links.get(account.id(), code));
        return QrCodes.svg(shortUrl, "QR code of " + shortUrl);
    }

    @POST
    @Path("/link")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@RestForm String code, @RestForm String url, @RestForm String expiresAt, @RestForm String tags,
                           @RestForm String password, @RestForm String removePassword) {
        SignedIn.Account account = signedIn.require();
        try {
            Instant expiry = parseExpiry(expiresAt);
            // A form without the field (an older page still open) leaves the tags as they are.
            Optional<List<String>> tagSet = tags == null ? Optional.empty() : Optional.of(Tags.parse(tags, "tags"));
            // An empty password field keeps the password; the checkbox removes it (and wins over a new one).
            boolean remove = removePassword != null;
            Optional<String> newPassword = remove ? Optional.empty() : Optional.ofNullable(emptyToNull(password));
            links.update(account.id(), code, new LinkService.Change(Optional.ofNullable(url), Optional.ofNullable(expiry), expiry == null,
                    tagSet, newPassword, remove));
            return SignedIn.seeOther(linkPath(code) + "&saved=1");
        } catch (NotFound e) {
            throw e;
        } catch (DomainError e) {
            FieldError error = FieldError.of(e);
            Pages.Form form = error.form(Map.of("url", AccountPages.nullToEmpty(url), "expiresAt", AccountPages.nullToEmpty(expiresAt),
                    "tags", AccountPages.nullToEmpty(tags)));
            return AccountPages.page(error.status(), linkPage(account, links.get(account.id(), code), form, null));
        }
    }

    @GET
    @Path("/link/delete")
    public TemplateInstance confirmDelete(@QueryParam("code") String code) {
        SignedIn.Account account = signedIn.require();
        return Pages.confirmDelete(account, row(links.get(account.id(), code)));
    }

    @POST
    @Path("/link/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@RestForm String code) {
        SignedIn.Account account = signedIn.require();
        links.delete(account.id(), code);
        return SignedIn.seeOther("/dashboard");
    }

    private TemplateInstance dashboardPage(SignedIn.Account account, String search, int page, Pages.Form form, String tag) {
        String filter = tag == null || tag.isBlank() ? null : tag;
        LinkService.PageOf<Link> result = links.list(account.id(), page, PAGE_SIZE, search, filter);
        int pages = (int) Math.max(1, (result.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        List<Pages.LinkRow> rows = result.items().stream().map(this::row).toList();
        return Pages.dashboard(account, rows, new Pages.Paging(page, pages, result.total(), search == null ? "" : search), form,
                filter == null ? "" : Tags.one(filter, "tag"));
    }

    private TemplateInstance linkPage(SignedIn.Account account, Link link, Pages.Form form, String notice) {
        return linkPage(account, link, form, notice, StatsRange.lastDays(StatsRange.DEFAULT_DAYS, clock));
    }

    private TemplateInstance linkPage(SignedIn.Account account, Link link, Pages.Form form, String notice, StatsRange range) {
        VisitStatistics.LinkStats stats = statistics.ofLink(account.id(), link.code, range, VisitStatistics.DEFAULT_TOP);
        Pages.Form shown = form.values().isEmpty()
                ? new Pages.Form(Map.of("url", link.targetUrl, "expiresAt", link.expiresAt == null ? "" : formatExpiry(link.expiresAt),
                "tags", String.join(", ", link.tags)), form.errors())
                : form;
        Pages.LinkRow row = row(link);
        return Pages.link(account, row, ClickChart.svg(stats.daily()), QrCodes.svg(row.shortUrl(), "QR code of " + row.shortUrl()),
                stats, StatsPage.breakdowns(stats), StatsPage.picker(range, clock, "code=" + link.code), shown, notice);
    }

    private Pages.LinkRow row(Link link) {
        boolean expired = link.expiresAt != null && !link.expiresAt.isAfter(clock.instant());
        return new Pages.LinkRow(link.code, shortUrl(link), link.targetUrl, link.createdAt, link.expiresAt, link.clickCount, expired, link.tags,
                link.passwordHash != null);
    }

    private String shortUrl(Link link) {
        return shortUrls.of(link.code, uriInfo);
    }

    /** The form's datetime-local value, read as UTC (the page says so). */
    private static Instant parseExpiry(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidInput("expiresAt", "expiresAt must be a date and time such as 2030-01-01T12:00");
        }
    }

    private static String formatExpiry(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).withSecond(0).withNano(0).toString();
    }


    /** Passwords are taken as typed: spaces may be part of one. */
    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * Link pages take the code as a query parameter: the CSRF filter hands out form tokens only on fixed paths
     * (quarkus.rest-csrf.create-token-path), and the redirect path must never get one.
     */
    static String linkPath(String code) {
        return "/dashboard/link?code=" + URLEncoder.encode(code == null ? "" : code, StandardCharsets.UTF_8);
    }
}
