package dev.linkstack.app.visits;

import java.util.Locale;

/** The referrer's domain, without "www.", or "direct" when the visit came without one; never the path or query. */
public final class Referrers {
    public static final String DIRECT = "direct";
    private static final int MAX_DOMAIN = 253;

    private Referrers() {
    }

    public static String domainOf(String referrer) {
        if (referrer == null || referrer.isBlank()) {
            return DIRECT;
        }
        int start = referrer.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = start;
        while (end < referrer.length() && "/?#".indexOf(referrer.charAt(end)) < 0) {
            end++;
        }
        String authority = referrer.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1); // no user info
        int port = authority.lastIndexOf(':');
        if (port >= 0 && authority.indexOf(']') < port) {
            authority = authority.substring(0, port);
        }
        String domain = authority.toLowerCase(Locale.ROOT);
        if (domain.startsWith("www.")) {
            domain = domain.substring(4);
        }
        if (domain.isEmpty() || domain.length() > MAX_DOMAIN || !domain.chars().allMatch(Referrers::domainChar)) {
            return "other";
        }
        return domain;
    }

    private static boolean domainChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':';
    }
}
