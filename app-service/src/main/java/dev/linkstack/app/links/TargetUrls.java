package dev.linkstack.app.links;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * What a link may point to: absolute http(s) URLs with a host, at most 2048 characters, on no blocked domain.
 */
final class TargetUrls {
    static final int MAX_LENGTH = 2048;

    private TargetUrls() {
    }

    /** Lower case, without the trailing dot that DNS allows ("evil.example." is "evil.example"). */
    static String normaliseDomain(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        while (d.startsWith(".")) {
            d = d.substring(1);
        }
        return d;
    }

    /**
     * Returns why a URL is refused, or null when it is acceptable. A blocked domain covers its subdomains
     * ({@code evil.example} blocks {@code www.evil.example}); entries must be lower case without a trailing dot.
     */
    static String problem(String url, List<String> blockedDomains) {
        if (url == null || url.isBlank()) {
            return "url is required";
        }
        if (url.length() > MAX_LENGTH) {
            return "url must be at most " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "url must not contain spaces or control characters";
            }
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "url must start with http:// or https://";
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return "url must name a host";
            }
            String host = normaliseDomain(uri.getHost());
            for (String blocked : blockedDomains) {
                if (host.equals(blocked) || host.endsWith("." + blocked)) {
                    return "url points to a blocked domain (" + blocked + ")";
                }
            }
            return null;
        } catch (URISyntaxException e) {
            return "url is not a valid URL: " + e.getReason();
        }
    }
}
