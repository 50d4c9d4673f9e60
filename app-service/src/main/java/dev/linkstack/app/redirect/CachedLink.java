package dev.linkstack.app.redirect;

/** What the redirect path needs to know about a code: target and expiry, or that no such link exists. */
public record CachedLink(long linkId, String url, long expiresAtMillis) {
    /** Remembered absence of a code (short TTL). */
    public static final CachedLink MISSING = new CachedLink(-1, "", 0);
    /** Handed from the route to the resource: the in-process tier was asked and had nothing. */
    static final CachedLink NOT_CACHED = new CachedLink(-2, "", 0);
    private static final String MISSING_WIRE = "-";

    public boolean missing() {
        return linkId < 0;
    }

    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /** Wire form in Redis: {@code linkId|expiresAtMillis|url}, or "-" for a missing code. */
    public String encode() {
        return missing() ? MISSING_WIRE : linkId + "|" + expiresAtMillis + "|" + url;
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
        return new CachedLink(Long.parseLong(value, 0, first, 10), value.substring(second + 1), Long.parseLong(value, first + 1, second, 10));
    }
}
