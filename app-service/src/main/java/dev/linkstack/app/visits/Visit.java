package dev.linkstack.app.visits;

import io.vertx.core.net.SocketAddress;

import java.util.Comparator;

/**
 * A visit as the redirect saw it: what it takes from the request, held in this process's memory only until
 * {@code ClickRelay} classifies it off the event loop: the connection's peer and the raw {@code X-Forwarded-For}, from
 * which {@link ClientAddresses} finds the client's address there. The address and the user agent never leave the process:
 * what is pushed and stored are counts per referrer domain, country, device, browser and bot family, and a
 * HyperLogLog of salted visitor hashes.
 */
public record Visit(long linkId, long epochMillis, long nanoTime, String userAgent, String referrer, SocketAddress peer, String forwardedFor) {
    /** In the order they were answered: the queue's stripes do not keep it across threads, System.nanoTime does. */
    public static final Comparator<Visit> ANSWERED_ORDER = Comparator.comparingLong(Visit::nanoTime);
}
