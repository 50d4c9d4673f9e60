package dev.linkstack.app.links;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** What a link may point to: absolute http(s) URLs with a host, at most 2048 characters. */
final class TargetUrls {
    static final int MAX_LENGTH = 2048;

    private TargetUrls() {
    }

    /** Returns why a URL is refused, or null when it is acceptable. */
    static String problem(String url) {
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
            return null;
        } catch (URISyntaxException e) {
            return "url is not a valid URL: " + e.getReason();
        }
    }
}
