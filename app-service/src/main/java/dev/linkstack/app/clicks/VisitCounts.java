package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.ClassifiedVisit;
import dev.linkstack.app.visits.Dimension;
import dev.linkstack.app.visits.VisitorSketch;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one link got on one UTC day, as one push carries it: clicks (people's visits), their breakdowns, the visits of
 * bots by family, and a sketch of the day's visitors ({@link VisitorSketch}). Counts add up when pushes merge; the sketch merges
 * as a union, which is idempotent, so uniques can never be counted twice. Not thread-safe: owned by one stage at a time.
 * <p>
 * A push holds one of these per link with visits, thousands at a time, so the breakdown is kept flat: parallel arrays of
 * (dimension, value, visits), searched in order, as a link's day has a handful of values; an index per dimension is
 * built only past {@value #SCAN_LIMIT} of them.
 */
public final class VisitCounts {
    private static final Dimension[] DIMENSIONS = Dimension.values();
    private static final int SCAN_LIMIT = 16;
    private long clicks;
    private byte[] dimensions = new byte[0];
    private String[] values = new String[0];
    private long[] visits = new long[0];
    private int size;
    /** Per dimension ordinal: value → position, once there are more than {@value #SCAN_LIMIT} entries. */
    private Map<String, Integer>[] index;
    private VisitorSketch visitors;

    /** Receives one breakdown entry. */
    @FunctionalInterface
    public interface BreakdownEntry {
        void accept(Dimension dimension, String value, long visits);
    }

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
        if (value == null || n <= 0) {
            return;
        }
        int at = find(dimension.ordinal(), value);
        if (at >= 0) {
            visits[at] += n;
            return;
        }
        if (size == values.length) {
            int grown = Math.max(4, size * 2);
            dimensions = Arrays.copyOf(dimensions, grown);
            values = Arrays.copyOf(values, grown);
            visits = Arrays.copyOf(visits, grown);
        }
        dimensions[size] = (byte) dimension.ordinal();
        values[size] = value;
        visits[size] = n;
        if (index != null) {
            indexEntry(size);
        } else if (size + 1 > SCAN_LIMIT) {
            buildIndex(size + 1);
        }
        size++;
    }

    private int find(int dimension, String value) {
        if (index != null) {
            Map<String, Integer> byValue = index[dimension];
            Integer at = byValue == null ? null : byValue.get(value);
            return at == null ? -1 : at;
        }
        for (int i = 0; i < size; i++) {
            if (dimensions[i] == dimension && values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private void buildIndex(int entries) {
        index = new Map[DIMENSIONS.length];
        for (int i = 0; i < entries; i++) {
            indexEntry(i);
        }
    }

    private void indexEntry(int at) {
        Map<String, Integer> byValue = index[dimensions[at]];
        if (byValue == null) {
            byValue = new HashMap<>();
            index[dimensions[at]] = byValue;
        }
        byValue.put(values[at], at);
    }

    public void addClicks(long n) {
        clicks += n;
    }

    public void merge(VisitCounts other) {
        clicks += other.clicks;
        for (int i = 0; i < other.size; i++) {
            count(DIMENSIONS[other.dimensions[i]], other.values[i], other.visits[i]);
        }
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
        long bots = 0;
        for (int i = 0; i < size; i++) {
            if (dimensions[i] == Dimension.BOT.ordinal()) {
                bots += visits[i];
            }
        }
        return bots;
    }

    /** One dimension's visits by value, in the order first counted (a copy). */
    public Map<String, Long> of(Dimension dimension) {
        Map<String, Long> byValue = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            if (dimensions[i] == dimension.ordinal()) {
                byValue.put(values[i], visits[i]);
            }
        }
        return Collections.unmodifiableMap(byValue);
    }

    /**
     * Every breakdown entry, ordered by dimension and then value: the order a store writes (and so locks) rows in, the
     * same in every instance.
     */
    public void forEachEntry(BreakdownEntry entry) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            int at = i;
            while (at > 0 && before(i, order[at - 1])) { // insertion sort: a handful of entries
                order[at] = order[at - 1];
                at--;
            }
            order[at] = i;
        }
        for (int i : order) {
            entry.accept(DIMENSIONS[dimensions[i]], values[i], visits[i]);
        }
    }

    private boolean before(int a, int b) {
        return dimensions[a] != dimensions[b] ? dimensions[a] < dimensions[b] : values[a].compareTo(values[b]) < 0;
    }

    /** How many breakdown entries (dimension and value) there are. */
    public int entries() {
        return size;
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
        return clicks == 0 && size == 0 && visitors == null;
    }

    public static long clicksOf(Map<ClickKey, VisitCounts> counts) {
        return counts.values().stream().mapToLong(VisitCounts::clicks).sum();
    }

    public static long visitsOf(Map<ClickKey, VisitCounts> counts) {
        return counts.values().stream().mapToLong(VisitCounts::visits).sum();
    }
}
