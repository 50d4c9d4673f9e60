package dev.linkstack.app.redirect;

/** What the redirect path needs to know about a code: target and expiry, or that no such link exists or it is blocked. */
public record CachedLink(long linkId, String url, long expiresAtMillis) {
    /** Remembered absence of a code (short TTL). */
    public static final CachedLink MISSING = new CachedLink(-1, "", 0);
    /** Handed from the route to the resource: the in-process tier was asked and had nothing. */
    static final CachedLink NOT_CACHED = new CachedLink(-2, "", 0);
    /** A link an admin has blocked: it exists but never redirects (410). */
    public static final CachedLink BLOCKED = new CachedLink(-3, "", 0);
    private static final String MISSING_WIRE = "-";

    /** Nothing to redirect to: no such link, or a blocked one. */
    public boolean missing() {
        return linkId < 0;
    }

    public boolean blocked() {
        return linkId == BLOCKED.linkId;
    }

    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /**
     * Wire form in Redis: {@code linkId|expiresAtMillis|url}, or "-" for a missing code. A blocked link is written in
     * the ordinary form with its negative id, so an instance of an older version still reads it as missing (404),
     * never as a malformed entry.
     */
    public String encode() {
        return this.equals(MISSING) ? MISSING_WIRE : linkId + "|" + expiresAtMillis + "|" + url;
    }

    public static CachedLink decode(String value) {
        if (MISSING_WIRE.equals(value)) {
            return MISSING;
        }
        int first = value.indexOf('|');
        int second = value.indexOf('|', first + 1);
        if (first < 0 || second < 0) {
            throw new IllegalArgumentException("malformed cached link");
        }
        long linkId = Long.parseLong(value, 0, first, 10);
        if (linkId == BLOCKED.linkId) {
            return BLOCKED;
        }
        if (linkId < 0) {
            throw new IllegalArgumentException("malformed cached link");
        }
        return new CachedLink(linkId, value.substring(second + 1), Long.parseLong(value, first + 1, second, 10));
    }
}
