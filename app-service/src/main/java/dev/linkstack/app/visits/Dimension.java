package dev.linkstack.app.visits;

import java.util.Locale;

/** What visits of a link are broken down by, per day; {@link #BOT} holds the visits of bots, which are not clicks. */
public enum Dimension {
    BOT, REFERRER, COUNTRY, DEVICE, BROWSER, OS;

    private final String key = name().toLowerCase(Locale.ROOT);

    /** The name in the database, the API and the Redis encoding. */
    public String key() {
        return key;
    }

    public static Dimension ofKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
