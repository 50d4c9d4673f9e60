package dev.linkstack.app.redirect;

/**
 * What the redirect path needs to know about a code: target, expiry and whether a password guards it, or that no such
 * link exists or it is blocked.
 */
public record CachedLink(long linkId, String url, long expiresAtMillis, boolean locked) {
    /** Remembered absence of a code (short TTL). */
    public static final CachedLink MISSING = new CachedLink(-1, "", 0);
    /** Handed from the route to the resource: the in-process tier was asked and had nothing. */
    static final CachedLink NOT_CACHED = new CachedLink(-2, "", 0);
    /** A link an admin has blocked: it exists but never redirects (410). */
    public static final CachedLink BLOCKED = new CachedLink(-3, "", 0);
    private static final String MISSING_WIRE = "-";
    /** Starts the expiry field of every entry this version writes; entries without it are older and not trusted. */
    private static final char CURRENT_WIRE = '+';

    /** An open link (no password). */
    public CachedLink(long linkId, String url, long expiresAtMillis) {
        this(linkId, url, expiresAtMillis, false);
    }

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
     * Wire form in Redis: {@code linkId|+expiresAtMillis|url}, {@code -3|+expiresAtMillis|linkId|url} for a link with
     * a password, or "-" for a missing code. A blocked link and one with a password start with the blocked id, so an
     * instance of an older version reads them as blocked (410), never as an open link or a malformed entry; it reads
     * the '+' of the expiry as a sign.
     */
    public String encode() {
        if (this.equals(MISSING)) {
            return MISSING_WIRE;
        }
        String expiry = "|" + CURRENT_WIRE + expiresAtMillis + "|";
        return locked ? BLOCKED.linkId + expiry + linkId + "|" + url : linkId + expiry + url;
    }

    /**
     * The entry, or null for one written by an older version: those know nothing of passwords, so their entry of a
     * link with one would redirect without asking; it is looked up again instead (and rewritten).
     */
    public static CachedLink decode(String value) {
        if (MISSING_WIRE.equals(value)) {
            return MISSING;
        }
        int first = value.indexOf('|');
        int second = value.indexOf('|', first + 1);
        if (first < 0 || second < 0) {
            throw new IllegalArgumentException("malformed cached link");
        }
        if (value.charAt(first + 1) != CURRENT_WIRE) {
            return null;
        }
        long linkId = Long.parseLong(value, 0, first, 10);
        long expiresAtMillis = Long.parseLong(value, first + 2, second, 10);
        if (linkId == BLOCKED.linkId) {
            int third = value.indexOf('|', second + 1);
            if (third < 0) {
                return BLOCKED;
            }
            return new CachedLink(Long.parseLong(value, second + 1, third, 10), value.substring(third + 1), expiresAtMillis, true);
        }
        if (linkId < 0) {
            throw new IllegalArgumentException("malformed cached link");
        }
        return new CachedLink(linkId, value.substring(second + 1), expiresAtMillis);
    }
}
