package dev.linkstack.app.visits;

/**
 * A visit once classified: either a bot's (its family, nothing else kept) or a person's click with its breakdown
 * values. {@code country} is null where no country database is configured: the dimension is then absent, not
 * "unknown". {@code visitor} is the hash of the salted visitor key fed to the day's sketch, never stored itself.
 */
public record ClassifiedVisit(String bot, String referrer, String country, String device, String browser, String os, Long visitor) {

    public static ClassifiedVisit ofBot(String family) {
        return new ClassifiedVisit(family, null, null, null, null, null, null);
    }

    public boolean isBot() {
        return bot != null;
    }
}
