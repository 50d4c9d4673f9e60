package dev.linkstack.app.visits;

import java.util.Comparator;

/**
 * A visit as the redirect saw it: what it takes from the request, held in this process's memory only until
 * {@code ClickRelay} classifies it off the event loop. The address and the user agent never leave the process:
 * what is pushed and stored are counts per referrer domain, country, device, browser and bot family, and a
 * HyperLogLog of salted visitor hashes.
 */
public record Visit(long linkId, long epochMillis, long nanoTime, String userAgent, String referrer, String address) {
    /** In the order they were answered: the queue's stripes do not keep it across threads, System.nanoTime does. */
    public static final Comparator<Visit> ANSWERED_ORDER = Comparator.comparingLong(Visit::nanoTime);
}
