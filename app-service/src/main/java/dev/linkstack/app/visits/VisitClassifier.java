package dev.linkstack.app.visits;

import dev.linkstack.app.config.AppConfig;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Turns a queued visit into what is counted: a bot's visit (by family), or a person's click with its referrer domain,
 * country (where a country database is configured), device type, browser, OS and salted visitor key. Runs off the
 * event loop, in the click relay's classification.
 */
@Singleton // no client proxy: called for every visit classified
public class VisitClassifier {
    private static final Logger LOG = Logger.getLogger(VisitClassifier.class);
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(VisitClassifier::sha256);
    private final UserAgents userAgents;
    private final Countries countries;
    private final VisitorSalts salts;
    private final ClientAddresses addresses;

    @Inject
    VisitClassifier(AppConfig config, VisitorSalts salts, ClientAddresses addresses) {
        this(new UserAgents(config.visits().userAgentCacheSize()),
                config.visits().geoDatabase().map(Countries::open).orElse(null), salts, addresses);
    }

    public VisitClassifier(UserAgents userAgents, Countries countries, VisitorSalts salts, ClientAddresses addresses) {
        this.userAgents = userAgents;
        this.countries = countries;
        this.salts = salts;
        this.addresses = addresses;
    }

    public ClassifiedVisit classify(Visit visit) {
        UserAgents.Agent agent = userAgents.of(visit.userAgent());
        if (agent.bot() != null) {
            return ClassifiedVisit.ofBot(agent.bot());
        }
        String address = addresses.of(visit.peer() == null ? null : visit.peer().hostAddress(), visit.forwardedFor());
        String country = countries == null ? null : countries.of(address);
        return new ClassifiedVisit(null, Referrers.domainOf(visit.referrer()), country, agent.device(), agent.browser(), agent.os(),
                visitorKey(visit, address));
    }

    /** Classifies, or, should a parser fail on some input, counts the visit as a plain click: never lost for a breakdown. */
    public ClassifiedVisit classifyOrPlain(Visit visit) {
        try {
            return classify(visit);
        } catch (RuntimeException e) {
            LOG.debugf("visit counted without breakdown: %s", e.toString());
            return new ClassifiedVisit(null, "other", countries == null ? null : Countries.UNKNOWN, "other", UserAgents.OTHER, UserAgents.OTHER, null);
        }
    }

    /**
     * The day's salt, the address and the user agent: one visitor per device and network for the day, hashed with
     * SHA-256 (one way, whatever the salt) and fed to the day's sketch as its first 8 bytes; never stored. No address
     * (a click without a request), no visitor.
     */
    private Long visitorKey(Visit visit, String address) {
        if (address == null) {
            return null;
        }
        MessageDigest sha256 = DIGEST.get();
        // Asked for every visit: while Redis is out, the salts hand out a stand-in for a minute, then the shared one.
        sha256.update(salts.forDay(Math.floorDiv(visit.epochMillis(), MILLIS_PER_DAY)));
        sha256.update(address.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        if (visit.userAgent() != null) {
            sha256.update(visit.userAgent().getBytes(StandardCharsets.UTF_8));
        }
        return ByteBuffer.wrap(sha256.digest()).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
