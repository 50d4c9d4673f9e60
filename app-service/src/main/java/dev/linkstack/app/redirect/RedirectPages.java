package dev.linkstack.app.redirect;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The pages of the redirect path (templates/redirect/*.html), for visitors with or without an account. */
@CheckedTemplate(basePath = "redirect")
class RedirectPages {

    /** A CSRF form field: its name and the token that matches the visitor's CSRF cookie. */
    record Csrf(String field, String token) {
    }

    /**
     * Asks for a link's password; {@code error} after a wrong one (or too many). {@code referrer}: where the visitor
     * came from before the form (posted back with the password, so the visit is counted as coming from there, not
     * from the form), or null.
     */
    static native TemplateInstance unlock(String code, Csrf csrf, String error, String referrer);

    /** Where a link goes, without going there; {@code url} is null while the link is protected. */
    static native TemplateInstance preview(String code, String shortUrl, String url, boolean locked);
}
