package dev.linkstack.app.ui;

import dev.linkstack.app.auth.AuthResource.UserView;
import dev.linkstack.app.auth.Invites;
import dev.linkstack.app.stats.VisitStatistics;
import dev.linkstack.app.tokens.ApiToken;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The server-rendered pages (templates/ui/*.html), type-checked at build time. */
@CheckedTemplate(basePath = "ui")
public class Pages {

    /** A form's values and its errors by field name ("form" for errors not tied to one field). */
    public record Form(Map<String, String> values, Map<String, String> errors) {
        public static Form empty() {
            return new Form(Map.of(), Map.of());
        }

        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        public String error(String field) {
            return errors.get(field);
        }

        public boolean hasError(String field) {
            return errors.containsKey(field);
        }
    }

    /** One breakdown of a link's visits as the page lists it: title, and each value's share of the visits as a bar. */
    public record Breakdown(String id, String title, List<Share> values, String empty) {
    }

    public record Share(String value, long visits, int percent) {
    }

    /** The range form's state: the chosen number of days, or the dates given, and the choices offered. */
    public record StatsPicker(int days, String from, String to, List<Integer> choices, String csvQuery) {
    }

    /** {@code locked}: the link asks its visitors for a password. */
    public record LinkRow(String code, String shortUrl, String url, Instant createdAt, Instant expiresAt, long clicks, boolean expired,
                          List<String> tags, boolean locked) {
    }

    /** A link as the admin sees it: anyone's, with its owner and whether it is blocked. */
    public record AdminLinkRow(String code, String shortUrl, String url, String owner, Instant createdAt, long clicks, boolean blocked,
                               boolean expired) {
    }

    public record Paging(int page, int pages, long total, String search) {
        /** The page a query parameter or form field asks for: 0 when absent or not a number, bounded above. */
        static int requested(String page) {
            try {
                return page == null ? 0 : Math.max(0, Math.min(1_000_000, Integer.parseInt(page)));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        public boolean hasPrevious() {
            return page > 0;
        }

        public boolean hasNext() {
            return page + 1 < pages;
        }

        public int previous() {
            return page - 1;
        }

        public int next() {
            return page + 1;
        }

        public int shown() {
            return page + 1;
        }
    }

    public static native TemplateInstance login(Form form, boolean registrationEnabled, String notice);

    public static native TemplateInstance register(Form form, boolean inviteOnly);

    /** {@code tag}: the tag the list is filtered by, "" for none. */
    public static native TemplateInstance dashboard(SignedIn.Account account, List<LinkRow> links, Paging paging, Form form, String tag);

    public static native TemplateInstance link(SignedIn.Account account, LinkRow link, String chart, String qr, VisitStatistics.LinkStats stats,
                                               List<Breakdown> breakdowns, StatsPicker range, Form form, String notice);

    public static native TemplateInstance overview(SignedIn.Account account, VisitStatistics.Overview stats, String chart, StatsPicker range);

    /** Either the report of an import (or dry run) or the reason the file was refused. */
    public static native TemplateInstance importReport(SignedIn.Account account, dev.linkstack.app.links.transfer.LinkImport.Report report,
                                                       String problem);

    public static native TemplateInstance confirmDelete(SignedIn.Account account, LinkRow link);

    public static native TemplateInstance tokens(SignedIn.Account account, List<ApiToken> tokens, String createdToken, Form form);

    /** Without the account: the navigation's sign-out form needs a CSRF token, which only the form pages hand out. */
    public static native TemplateInstance adminOnly();

    public static native TemplateInstance adminUsers(SignedIn.Account account, List<UserView> users, Form form);

    public static native TemplateInstance adminLinks(SignedIn.Account account, List<AdminLinkRow> links, Paging paging, Form form);

    public static native TemplateInstance adminConfirmDelete(SignedIn.Account account, AdminLinkRow link, String search);

    public static native TemplateInstance adminInvites(SignedIn.Account account, List<Invites.Unused> invites, String createdInvite,
                                                       boolean inviteOnly);
}
