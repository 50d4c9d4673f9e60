package dev.linkstack.app.ui;

import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.links.LinkAdmin;
import dev.linkstack.app.links.LinkService;
import dev.linkstack.app.links.ShortUrls;
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
import java.util.List;
import java.util.Map;

/**
 * The admin's page for everyone's links: find one by code or target, block, unblock or delete it (after a
 * confirmation), over {@link LinkAdmin} as the admin API is. Codes travel as form fields and query parameters: the
 * CSRF filter hands out tokens on fixed paths only.
 */
@Path("/admin/links")
@Produces(MediaType.TEXT_HTML)
public class LinkAdminPages {
    private static final int PAGE_SIZE = 20;
    private static final int MAX_SEARCH = 200;

    private final LinkAdmin links;
    private final SignedIn signedIn;
    private final ShortUrls shortUrls;
    private final Clock clock;

    @Context
    UriInfo uriInfo;

    LinkAdminPages(LinkAdmin links, SignedIn signedIn, ShortUrls shortUrls, Clock clock) {
        this.links = links;
        this.signedIn = signedIn;
        this.shortUrls = shortUrls;
        this.clock = clock;
    }

    @GET
    public Response list(@QueryParam("q") String search, @QueryParam("page") String page) {
        SignedIn.Account admin = AdminPages.admin(signedIn);
        String q = search == null ? "" : search.trim();
        if (q.length() > MAX_SEARCH) {
            Pages.Form form = new Pages.Form(Map.of("q", q), Map.of("q", "Search for at most " + MAX_SEARCH + " characters of a code or URL"));
            return AccountPages.page(400, listPage(admin, "", 0, form));
        }
        return AccountPages.page(200, listPage(admin, q, Pages.Paging.requested(page), new Pages.Form(Map.of("q", q), Map.of())));
    }

    @POST
    @Path("/block")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response block(@RestForm String code, @RestForm String q, @RestForm String page) {
        return setBlocked(code, q, page, true);
    }

    @POST
    @Path("/unblock")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response unblock(@RestForm String code, @RestForm String q, @RestForm String page) {
        return setBlocked(code, q, page, false);
    }

    @GET
    @Path("/delete")
    public TemplateInstance confirmDelete(@QueryParam("code") String code, @QueryParam("q") String q) {
        SignedIn.Account admin = AdminPages.admin(signedIn);
        return Pages.adminConfirmDelete(admin, row(links.get(code)), AccountPages.nullToEmpty(q));
    }

    @POST
    @Path("/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@RestForm String code, @RestForm String q) {
        SignedIn.Account admin = AdminPages.admin(signedIn);
        try {
            links.delete(admin.username(), code);
            return SignedIn.seeOther(listPath(q, null));
        } catch (DomainError e) {
            return refused(admin, q, 0, code, FieldError.of(e));
        }
    }

    private Response setBlocked(String code, String q, String page, boolean blocked) {
        SignedIn.Account admin = AdminPages.admin(signedIn);
        try {
            links.setBlocked(admin.username(), code, blocked);
            return SignedIn.seeOther(listPath(q, page));
        } catch (DomainError e) {
            return refused(admin, q, Pages.Paging.requested(page), code, FieldError.of(e));
        }
    }

    private Response refused(SignedIn.Account admin, String q, int page, String code, FieldError error) {
        String search = q == null || q.length() > MAX_SEARCH ? "" : q.trim();
        Pages.Form form = error.form(Map.of("q", search, "code", AccountPages.nullToEmpty(code)));
        return AccountPages.page(error.status(), listPage(admin, search, page, form));
    }

    private TemplateInstance listPage(SignedIn.Account admin, String search, int page, Pages.Form form) {
        LinkService.PageOf<LinkAdmin.Owned> found = links.find(search, page, PAGE_SIZE);
        int pages = (int) Math.max(1, (found.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        List<Pages.AdminLinkRow> rows = found.items().stream().map(this::row).toList();
        return Pages.adminLinks(admin, rows, new Pages.Paging(page, pages, found.total(), search), form);
    }

    private Pages.AdminLinkRow row(LinkAdmin.Owned owned) {
        var link = owned.link();
        boolean expired = link.expiresAt != null && !link.expiresAt.isAfter(clock.instant());
        return new Pages.AdminLinkRow(link.code, shortUrls.of(link.code, uriInfo), link.targetUrl, owned.owner(), link.createdAt,
                link.clickCount, link.blockedAt != null, expired);
    }

    private static String listPath(String q, String page) {
        String path = "/admin/links?q=" + URLEncoder.encode(q == null ? "" : q, StandardCharsets.UTF_8);
        int shown = Pages.Paging.requested(page);
        return shown == 0 ? path : path + "&page=" + shown;
    }

}
