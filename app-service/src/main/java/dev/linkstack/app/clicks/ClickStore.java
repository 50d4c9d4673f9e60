package dev.linkstack.app.clicks;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.postgresql.PGConnection;
import dev.linkstack.app.visits.VisitorSketch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;

/**
 * Writes pushes of clicks to the database exactly once: each push carries an id, recorded in click_batches in the
 * transaction that adds its clicks, so a push that comes again - retried after a lost reply, handed out again by Redis,
 * applied by two instances at once - counts only once. The database, not Redis, is where that is decided.
 */
@ApplicationScoped
public class ClickStore {
    /** Rows in (link, day) order: the order every instance takes their locks in. */
    private static final Comparator<ClickKey> IN_ROW_ORDER = Comparator.comparingLong(ClickKey::linkId).thenComparingLong(ClickKey::epochDay);
    /** Sketches read per query: keeps the statement's parameter list well under the drivers' limits. */
    private static final int SKETCHES_PER_READ = 400;
    /**
     * How long an applied push id is remembered. A push comes again within seconds (retried by the instance holding
     * it) or when a Redis outage ends (its last writes replayed); two days leave room for a long outage and keep the
     * table small: a row per push, up to one per push interval and instance.
     */
    private static final Duration KEEP_BATCH_IDS = Duration.ofDays(2);
    // PostgreSQL: each statement takes all the rows at once, a column per array parameter (unnest), rather than a
    // JDBC batch of one statement per row, which cost the flush most of its time in the driver and the server. Rows
    // are written, and so locked, in the order given (WITH ORDINALITY ... ORDER BY), which is (link, day) order.
    private static final String DAILY_CLICKS_POSTGRES = "INSERT INTO link_daily_clicks (link_id, day, clicks)"
            + " SELECT r.link_id, r.day, r.clicks FROM unnest(?::bigint[], ?::text[]::date[], ?::bigint[]) WITH ORDINALITY AS r(link_id, day, clicks, n)"
            + " WHERE EXISTS (SELECT 1 FROM links WHERE id = r.link_id) ORDER BY r.n"
            + " ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_daily_clicks.clicks + excluded.clicks";
    /** Links are locked in id order first: an UPDATE ... FROM takes its rows in whatever order its plan has. */
    private static final String LOCK_LINKS_POSTGRES = "SELECT id FROM links WHERE id = ANY (?::bigint[]) ORDER BY id FOR NO KEY UPDATE";
    /** Summed per link first: a link's two days in one batch would otherwise update its row only once. */
    private static final String TOTALS_POSTGRES = "UPDATE links SET click_count = links.click_count + r.clicks"
            + " FROM (SELECT u.link_id, sum(u.clicks) AS clicks FROM unnest(?::bigint[], ?::bigint[]) AS u(link_id, clicks) GROUP BY u.link_id) r"
            + " WHERE links.id = r.link_id";
    private static final String BREAKDOWN_POSTGRES = "INSERT INTO link_daily_visits (link_id, day, dimension, value, visits)"
            + " SELECT r.link_id, r.day, r.dimension, r.value, r.visits"
            + " FROM unnest(?::bigint[], ?::text[]::date[], ?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS r(link_id, day, dimension, value, visits, n)"
            + " WHERE EXISTS (SELECT 1 FROM links WHERE id = r.link_id) ORDER BY r.n"
            + " ON CONFLICT (link_id, day, dimension, value) DO UPDATE SET visits = link_daily_visits.visits + excluded.visits";
    private final Clock clock;

    ClickStore(Clock clock) {
        this.clock = clock;
    }

    /**
     * Applies the pushes, by push id, that were not applied before, in one transaction: clicks per day and in total,
     * the breakdowns and bot visits, and the union of the visitors' sketches; returns the clicks added. Ids are
     * claimed in sorted order and rows written in (link, day) order, so instances applying at once cannot deadlock;
     * one that claims an id another is committing waits for it and then skips the push. Visits of a link deleted
     * meanwhile are dropped with it.
     */
    public long apply(Map<String, Push> pushes) {
        return QuarkusTransaction.requiringNew().call(() -> {
            EntityManager em = Panache.getEntityManager();
            // Merged into fresh counts, one claimed push at a time: a push whose transaction fails is retried as it was.
            Map<ClickKey, VisitCounts> merged = new HashMap<>();
            for (String id : new TreeSet<>(pushes.keySet())) {
                int claimed = em.createNativeQuery("INSERT INTO click_batches (batch_id, applied_at) VALUES (?1, ?2)"
                                + " ON CONFLICT (batch_id) DO NOTHING")
                        .setParameter(1, id).setParameter(2, clock.instant()).executeUpdate();
                if (claimed == 1) {
                    pushes.get(id).mergeInto(merged);
                }
            }
            if (merged.isEmpty()) {
                return 0L;
            }
            Map<ClickKey, VisitCounts> batch = new TreeMap<>(IN_ROW_ORDER);
            batch.putAll(merged);
            Rows rows = new Rows(em);
            if (rows.postgres()) {
                writeColumns(rows, batch);
            } else {
                writeRows(rows, batch);
            }
            mergeVisitors(em, rows, batch);
            return VisitCounts.clicksOf(batch);
        });
    }

    /**
     * PostgreSQL: the batch as columns, built straight from the counts. A flush of thousands of links lives through
     * several statements' round trips; as rows of boxed values it outlived young collections and was promoted (a
     * full collection every half minute under load), as primitive arrays and shared texts it is a fraction of that.
     */
    private static void writeColumns(Rows rows, Map<ClickKey, VisitCounts> batch) {
        int days = 0;
        int entries = 0;
        for (VisitCounts counts : batch.values()) {
            days += counts.clicks() > 0 ? 1 : 0;
            entries += counts.entries();
        }
        long[] dayLinks = new long[days];
        String[] dayDates = new String[days];
        long[] dayClicks = new long[days];
        long[] visitLinks = new long[entries];
        String[] visitDates = new String[entries];
        String[] dimensions = new String[entries];
        String[] values = new String[entries];
        long[] visits = new long[entries];
        Map<Long, String> dates = new HashMap<>(); // a batch spans a day or two
        int day = 0;
        int[] entry = {0};
        for (Map.Entry<ClickKey, VisitCounts> link : batch.entrySet()) {
            ClickKey key = link.getKey();
            String date = dates.computeIfAbsent(key.epochDay(), epochDay -> LocalDate.ofEpochDay(epochDay).toString());
            if (link.getValue().clicks() > 0) {
                dayLinks[day] = key.linkId();
                dayDates[day] = date;
                dayClicks[day] = link.getValue().clicks();
                day++;
            }
            link.getValue().forEachEntry((dimension, value, n) -> {
                int at = entry[0]++;
                visitLinks[at] = key.linkId();
                visitDates[at] = date;
                dimensions[at] = dimension.key();
                values[at] = value;
                visits[at] = n;
            });
        }
        rows.writeColumns(DAILY_CLICKS_POSTGRES, dayLinks, dayDates, dayClicks);
        rows.writeColumns(LOCK_LINKS_POSTGRES, (Object) LongStream.of(dayLinks).distinct().toArray()); // in link order already
        rows.writeColumns(TOTALS_POSTGRES, dayLinks, dayClicks);
        rows.writeColumns(BREAKDOWN_POSTGRES, visitLinks, visitDates, dimensions, values, visits);
    }

    /** Other databases (the embedded SQLite): a statement per row, through Hibernate. */
    private static void writeRows(Rows rows, Map<ClickKey, VisitCounts> batch) {
        List<Object[]> daily = new ArrayList<>();
        List<Object[]> breakdown = new ArrayList<>();
        batch.forEach((key, counts) -> {
            if (counts.clicks() > 0) {
                daily.add(new Object[]{key.linkId(), key.day(), counts.clicks()});
            }
            counts.forEachEntry((dimension, value, n) ->
                    breakdown.add(new Object[]{key.linkId(), key.day(), dimension.key(), value, n}));
        });
        rows.write("INSERT INTO link_daily_clicks (link_id, day, clicks) SELECT ?1, ?2, ?3"
                + " WHERE EXISTS (SELECT 1 FROM links WHERE id = ?1)"
                + " ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_daily_clicks.clicks + excluded.clicks", daily);
        rows.write("UPDATE links SET click_count = click_count + ?1 WHERE id = ?2", daily.stream().map(row -> new Object[]{row[2], row[0]}).toList());
        rows.write("INSERT INTO link_daily_visits (link_id, day, dimension, value, visits) SELECT ?1, ?2, ?3, ?4, ?5"
                + " WHERE EXISTS (SELECT 1 FROM links WHERE id = ?1)"
                + " ON CONFLICT (link_id, day, dimension, value) DO UPDATE SET visits = link_daily_visits.visits + excluded.visits", breakdown);
    }

    /**
     * Unions each day's visitors into its stored sketch. Rows a link's day does not have yet are first added empty (so
     * that there is a row to lock); then the rows are read, locked in link order on PostgreSQL (only those the batch
     * changes), merged here and written back where they changed. Only new rows are inserted, after a plain read found
     * them missing: every lock of the transaction is then taken by one ordered read.
     */
    private static void mergeVisitors(EntityManager em, Rows rows, Map<ClickKey, VisitCounts> batch) {
        List<ClickKey> keys = batch.entrySet().stream().filter(e -> e.getValue().visitors() != null).map(Map.Entry::getKey).toList();
        if (keys.isEmpty()) {
            return;
        }
        if (rows.postgres()) {
            em.unwrap(Session.class).doWork(connection -> mergeVisitorsInPostgres(connection, rows, batch, keys));
            return;
        }
        rows.write("INSERT INTO link_daily_visitors (link_id, day, sketch) SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM links WHERE id = ?1)"
                + " ON CONFLICT (link_id, day) DO NOTHING", keys.stream().map(k -> new Object[]{k.linkId(), k.day(), new byte[0]}).toList());
        Map<Long, List<ClickKey>> byDay = new TreeMap<>();
        keys.forEach(key -> byDay.computeIfAbsent(key.epochDay(), day -> new ArrayList<>()).add(key));
        for (List<ClickKey> day : byDay.values()) {
            for (int from = 0; from < day.size(); from += SKETCHES_PER_READ) {
                List<ClickKey> chunk = day.subList(from, Math.min(day.size(), from + SKETCHES_PER_READ));
                Map<Long, DailyVisitors> stored = new HashMap<>();
                em.createQuery("select v from DailyVisitors v where v.day = ?1 and v.linkId in ?2", DailyVisitors.class)
                        .setParameter(1, chunk.get(0).day()).setParameter(2, chunk.stream().map(ClickKey::linkId).toList())
                        .getResultList().forEach(v -> stored.put(v.linkId, v));
                for (ClickKey key : chunk) {
                    DailyVisitors row = stored.get(key.linkId());
                    if (row != null) { // else the link was deleted
                        // Written when the transaction commits, and only when it changed: Hibernate compares the bytes.
                        row.sketch = union(row.sketch, batch.get(key).visitors());
                    }
                }
            }
        }
    }

    private static byte[] union(byte[] stored, VisitorSketch added) {
        VisitorSketch union = VisitorSketch.fromBytes(stored);
        union.merge(added);
        return union.toBytes();
    }

    /**
     * The same in plain JDBC, a day at a time: one array parameter for all of a day's links, no entities. A sketch that
     * already holds every visitor of the batch is left alone, unlocked: stored sketches only ever grow (each write is a
     * union under the row's lock), so whatever another instance writes later holds them too. Only the rows that change
     * are locked (in link order, by one read per day) and written; under steady traffic from known visitors, that is
     * few of them, and a lock is a write of its own in PostgreSQL (the row's header and a WAL record).
     */
    private static void mergeVisitorsInPostgres(Connection connection, Rows rows, Map<ClickKey, VisitCounts> batch, List<ClickKey> keys)
            throws SQLException {
        Map<Long, List<ClickKey>> byDay = new TreeMap<>();
        keys.forEach(key -> byDay.computeIfAbsent(key.epochDay(), day -> new ArrayList<>()).add(key));
        List<Object[]> missing = new ArrayList<>();
        List<List<ClickKey>> changing = new ArrayList<>();
        for (List<ClickKey> day : byDay.values()) {
            Map<Long, byte[]> stored = sketches(connection, day, false);
            List<ClickKey> grows = new ArrayList<>();
            for (ClickKey key : day) {
                byte[] before = stored.get(key.linkId());
                if (before == null) {
                    missing.add(new Object[]{key.linkId(), key.day(), new byte[0]});
                    grows.add(key);
                } else if (!Arrays.equals(before, union(before, batch.get(key).visitors()))) {
                    grows.add(key);
                }
            }
            if (!grows.isEmpty()) {
                changing.add(grows);
            }
        }
        rows.write("INSERT INTO link_daily_visitors (link_id, day, sketch) SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM links WHERE id = ?1)"
                + " ON CONFLICT (link_id, day) DO NOTHING", missing);
        try (PreparedStatement update = connection.prepareStatement("UPDATE link_daily_visitors SET sketch = ? WHERE link_id = ? AND day = ?")) {
            int changed = 0;
            for (List<ClickKey> day : changing) {
                Map<Long, byte[]> stored = sketches(connection, day, true);
                for (ClickKey key : day) {
                    byte[] before = stored.get(key.linkId());
                    if (before == null) {
                        continue; // the link was deleted
                    }
                    byte[] after = union(before, batch.get(key).visitors());
                    if (!Arrays.equals(before, after)) {
                        update.setBytes(1, after);
                        update.setLong(2, key.linkId());
                        update.setObject(3, key.day());
                        update.addBatch();
                        changed++;
                    }
                }
            }
            if (changed > 0) {
                update.executeBatch();
            }
        }
    }

    /** One day's stored sketches of these links, by link id; locked, in link order, when asked. */
    private static Map<Long, byte[]> sketches(Connection connection, List<ClickKey> day, boolean lock) throws SQLException {
        Map<Long, byte[]> stored = new HashMap<>();
        try (PreparedStatement read = connection.prepareStatement("SELECT link_id, sketch FROM link_daily_visitors WHERE day = ? AND link_id = ANY (?)"
                + (lock ? " ORDER BY link_id FOR UPDATE" : ""))) {
            read.setObject(1, day.get(0).day());
            read.setArray(2, connection.unwrap(PGConnection.class).createArrayOf("int8", day.stream().mapToLong(ClickKey::linkId).toArray()));
            try (ResultSet result = read.executeQuery()) {
                while (result.next()) {
                    stored.put(result.getLong(1), result.getBytes(2));
                }
            }
        }
        return stored;
    }

    public void forgetOldBatchIds() {
        QuarkusTransaction.requiringNew().run(() -> Panache.getEntityManager()
                .createNativeQuery("DELETE FROM click_batches WHERE applied_at < ?1")
                .setParameter(1, clock.instant().minus(KEEP_BATCH_IDS)).executeUpdate());
    }
}
