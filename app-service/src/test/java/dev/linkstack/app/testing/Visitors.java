package dev.linkstack.app.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

/** Real user agents of the common link-preview bots, crawlers and browsers, and a visit made with one of them. */
public final class Visitors {
    /** Bot user agent → the family it is counted under. */
    public static final Map<String, String> BOTS = Map.ofEntries(
            Map.entry("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slackbot-LinkExpanding"),
            Map.entry("Twitterbot/1.0", "Twitterbot"),
            Map.entry("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "FacebookBot"),
            Map.entry("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "Discordbot"),
            Map.entry("WhatsApp/2.23.20.0 A", "WhatsApp"),
            Map.entry("TelegramBot (like TwitterBot)", "TelegramBot"),
            Map.entry("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "LinkedInBot"),
            Map.entry("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot"),
            Map.entry("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bingbot"));

    public static final String CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    public static final String CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36";
    public static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    public static final String SAFARI_IPAD = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private Visitors() {
    }

    /** A GET of the short link as a browser behind the (trusted, local) proxy sends it: its address in X-Forwarded-For. */
    public static int visit(String code, String userAgent, String referrer, String address) {
        RequestSpecification request = RestAssured.given().redirects().follow(false).header("User-Agent", userAgent);
        if (referrer != null) {
            request.header("Referer", referrer);
        }
        if (address != null) {
            request.header("X-Forwarded-For", address);
        }
        return request.get("/" + code).statusCode();
    }
}
