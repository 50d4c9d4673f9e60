package dev.linkstack.app.visits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import ua_parser.Client;
import ua_parser.Parser;

import java.util.Locale;

/**
 * Bot or person, and which device, browser and OS, from a user agent, by ua-parser (the uap-core rules: their
 * "Spider" device family is the maintained list of crawlers and preview bots, Slack's, X's, Facebook's, Discord's,
 * WhatsApp's and Telegram's among them). Parsing takes about a millisecond, so results are cached by user agent:
 * real traffic has few distinct ones. Loaded on first use, off the event loop, so that start-up does not pay for it.
 */
public final class UserAgents {
    /** What a user agent says about its visit: a bot family, or a person's device, browser and OS. */
    public record Agent(String bot, String device, String browser, String os) {
    }

    static final String OTHER = "Other";
    private static final Agent NO_AGENT = new Agent(null, "other", OTHER, OTHER);
    private final Cache<String, Agent> known;
    private volatile Parser parser;

    public UserAgents(int cacheSize) {
        // Upkeep on the classifying thread itself, not a common-pool thread woken for it (see RedirectLookup's cache).
        this.known = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
    }

    public Agent of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return NO_AGENT;
        }
        return known.get(userAgent, this::parse);
    }

    private Agent parse(String userAgent) {
        Client client = parser().parse(userAgent);
        if ("Spider".equals(client.device.family)) {
            return new Agent(OTHER.equals(client.userAgent.family) ? "Other bot" : client.userAgent.family, null, null, null);
        }
        return new Agent(null, deviceType(client, userAgent), client.userAgent.family, client.os.family);
    }

    /** phone, tablet, desktop or other: what people compare, rather than ua-parser's device models. */
    static String deviceType(Client client, String userAgent) {
        String os = client.os.family;
        String device = client.device.family.toLowerCase(Locale.ROOT);
        if (device.contains("ipad") || device.contains("tablet") || device.contains("kindle")) {
            return "tablet";
        }
        if ("Android".equals(os)) {
            return userAgent.contains("Mobile") ? "phone" : "tablet"; // Android tablets leave out "Mobile"
        }
        if ("iOS".equals(os) || os.startsWith("Windows Phone") || "KaiOS".equals(os) || device.contains("phone")) {
            return "phone";
        }
        if (os.startsWith("Windows") || "Mac OS X".equals(os) || "Linux".equals(os) || "Ubuntu".equals(os) || "Chrome OS".equals(os)
                || "Fedora".equals(os) || "FreeBSD".equals(os) || "macOS".equals(os)) {
            return "desktop";
        }
        return "other";
    }

    private Parser parser() {
        Parser loaded = parser;
        if (loaded == null) {
            synchronized (this) {
                if (parser == null) {
                    parser = new Parser();
                }
                loaded = parser;
            }
        }
        return loaded;
    }
}
