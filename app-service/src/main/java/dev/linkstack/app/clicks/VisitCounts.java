package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.ClassifiedVisit;
import dev.linkstack.app.visits.Dimension;
import dev.linkstack.app.visits.VisitorSketch;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What one link got on one UTC day, as one push carries it: clicks (people's visits), their breakdowns, the visits of
 * bots by family, and a sketch of the day's visitors ({@link VisitorSketch}). Counts add up when pushes merge; the sketch merges
 * as a union, which is idempotent, so uniques can never be counted twice. Not thread-safe: owned by one stage at a time.
 */
public final class VisitCounts {
    private long clicks;
    private final EnumMap<Dimension, Map<String, Long>> breakdown = new EnumMap<>(Dimension.class);
    private VisitorSketch visitors;

    public static VisitCounts ofClicks(long clicks) {
        VisitCounts counts = new VisitCounts();
        counts.clicks = clicks;
        return counts;
    }

    public void add(ClassifiedVisit visit) {
        if (visit.isBot()) {
            count(Dimension.BOT, visit.bot(), 1);
            return;
        }
        clicks++;
        count(Dimension.REFERRER, visit.referrer(), 1);
        count(Dimension.COUNTRY, visit.country(), 1);
        count(Dimension.DEVICE, visit.device(), 1);
        count(Dimension.BROWSER, visit.browser(), 1);
        count(Dimension.OS, visit.os(), 1);
        if (visit.visitor() != null) {
            if (visitors == null) {
                visitors = new VisitorSketch();
            }
            visitors.add(visit.visitor());
        }
    }

    /** Adds {@code n} visits of one value; a null value (a dimension not measured) is not counted. */
    public void count(Dimension dimension, String value, long n) {
        if (value != null && n > 0) {
            breakdown.computeIfAbsent(dimension, d -> new HashMap<>()).merge(value, n, Long::sum);
        }
    }

    public void addClicks(long n) {
        clicks += n;
    }

    public void merge(VisitCounts other) {
        clicks += other.clicks;
        other.breakdown.forEach((dimension, values) -> values.forEach((value, n) -> count(dimension, value, n)));
        if (other.visitors != null) {
            mergeVisitors(other.visitors);
        }
    }

    public void mergeVisitors(VisitorSketch sketch) {
        if (visitors == null) {
            visitors = new VisitorSketch();
        }
        visitors.merge(sketch);
    }

    public long clicks() {
        return clicks;
    }

    /** Visits of bots, of every family: never clicks. */
    public long bots() {
        return of(Dimension.BOT).values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> of(Dimension dimension) {
        return Collections.unmodifiableMap(breakdown.getOrDefault(dimension, Map.of()));
    }

    /** The visitors' sketch, or null when no visitor was seen. */
    public VisitorSketch visitors() {
        return visitors;
    }

    /** Clicks plus bot visits: each took one link's place in memory, and each is a visit handed on. */
    public long visits() {
        return clicks + bots();
    }

    public boolean isEmpty() {
        return clicks == 0 && breakdown.isEmpty() && visitors == null;
    }

    public static long clicksOf(Map<ClickKey, VisitCounts> counts) {
        return counts.values().stream().mapToLong(VisitCounts::clicks).sum();
    }

    public static long visitsOf(Map<ClickKey, VisitCounts> counts) {
        return counts.values().stream().mapToLong(VisitCounts::visits).sum();
    }
}
