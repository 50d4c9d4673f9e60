package dev.linkstack.app.stats;

import dev.linkstack.app.clicks.DailyClicks;
import dev.linkstack.app.clicks.DailyVisitors;
import dev.linkstack.app.clicks.DailyVisits;
import dev.linkstack.app.links.Link;
import dev.linkstack.app.links.LinkNotFound;
import dev.linkstack.app.visits.Dimension;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import dev.linkstack.app.visits.VisitorSketch;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a link's visits and an account's links add up to over a range of UTC days: clicks (people), bot visits,
 * unique visitors, and the breakdowns by referrer, country, device, browser, OS and bot family. Unique visitors are
 * counted per day (the salt changes daily, so a person is a new visitor each day); a range's figure is the sum of its
 * days', and an account's day is the union of its links' sketches (one person on two links is one visitor).
 */
@ApplicationScoped
public class VisitStatistics {
    public static final int DEFAULT_TOP = 10;

    public record Day(LocalDate day, long clicks, long bots, long uniqueVisitors) {
    }

    public record Count(String value, long visits) {
    }

    /** A link's statistics. {@code countries} is null where no country database was ever used for its visits. */
    public record LinkStats(String code, long totalClicks, LocalDate from, LocalDate to, long clicks, long botVisits, long uniqueVisitors,
                            List<Day> daily, List<Count> referrers, List<Count> countries, List<Count> devices, List<Count> browsers,
                            List<Count> os, List<Count> bots) {
    }

    public record TopLink(String code, String url, long clicks) {
    }

    public record Overview(LocalDate from, LocalDate to, long links, long clicks, long botVisits, long uniqueVisitors, List<Day> daily,
                           List<TopLink> topLinks) {
    }

    public LinkStats ofLink(long ownerId, String code, StatsRange range, int top) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Link link = owned(ownerId, code);
            return linkStats(link, range, top, visitRows(link, range));
        });
    }

    private static Link owned(long ownerId, String code) {
        // Someone else's link is reported exactly like a missing one.
        return Link.findByCode(code).filter(l -> l.ownerId == ownerId).orElseThrow(() -> new LinkNotFound(code));
    }

    /** The link's breakdown rows in the range, in the CSV's order: by dimension, most visits first. */
    private static List<DailyVisits> visitRows(Link link, StatsRange range) {
        return DailyVisits.list("linkId = ?1 and day >= ?2 and day <= ?3 order by dimension, visits desc, value",
                link.id, range.from(), range.to());
    }

    private static LinkStats linkStats(Link link, StatsRange range, int top, List<DailyVisits> visits) {
        Map<LocalDate, Long> clicks = new HashMap<>();
        DailyClicks.<DailyClicks>list("linkId = ?1 and day >= ?2 and day <= ?3", link.id, range.from(), range.to())
                .forEach(d -> clicks.put(d.day, d.clicks));
        Map<LocalDate, Long> bots = new HashMap<>();
        EnumMap<Dimension, Map<String, Long>> breakdown = new EnumMap<>(Dimension.class);
        visits.forEach(v -> {
            Dimension dimension = Dimension.ofKey(v.dimension);
            breakdown.computeIfAbsent(dimension, d -> new HashMap<>()).merge(v.value, v.visits, Long::sum);
            if (dimension == Dimension.BOT) {
                bots.merge(v.day, v.visits, Long::sum);
            }
        });
        Map<LocalDate, Long> uniques = new HashMap<>();
        DailyVisitors.<DailyVisitors>list("linkId = ?1 and day >= ?2 and day <= ?3", link.id, range.from(), range.to())
                .forEach(v -> uniques.put(v.day, estimate(v.sketch)));
        List<Day> daily = days(range, clicks, bots, uniques);
        return new LinkStats(link.code, link.clickCount, range.from(), range.to(), sum(daily, Day::clicks), sum(daily, Day::bots),
                sum(daily, Day::uniqueVisitors), daily, top(breakdown, Dimension.REFERRER, top),
                breakdown.containsKey(Dimension.COUNTRY) ? top(breakdown, Dimension.COUNTRY, top) : null,
                top(breakdown, Dimension.DEVICE, top), top(breakdown, Dimension.BROWSER, top), top(breakdown, Dimension.OS, top),
                top(breakdown, Dimension.BOT, top));
    }

    public Overview ofAccount(long ownerId, StatsRange range, int top) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<LocalDate, Long> clicks = perDay(DailyClicks.getEntityManager().createQuery(
                    "select d.day, sum(d.clicks) from DailyClicks d, Link l where l.id = d.linkId and l.ownerId = ?1"
                            + " and d.day >= ?2 and d.day <= ?3 group by d.day", Object[].class), ownerId, range);
            Map<LocalDate, Long> bots = perDay(DailyClicks.getEntityManager().createQuery(
                    "select v.day, sum(v.visits) from DailyVisits v, Link l where l.id = v.linkId and l.ownerId = ?1"
                            + " and v.day >= ?2 and v.day <= ?3 and v.dimension = 'bot' group by v.day", Object[].class), ownerId, range);
            Map<LocalDate, VisitorSketch> visitors = new HashMap<>();
            DailyClicks.getEntityManager().createQuery("select v from DailyVisitors v, Link l where l.id = v.linkId and l.ownerId = ?1"
                            + " and v.day >= ?2 and v.day <= ?3", DailyVisitors.class)
                    .setParameter(1, ownerId).setParameter(2, range.from()).setParameter(3, range.to()).getResultList()
                    .forEach(v -> {
                        if (v.sketch.length > 0) {
                            visitors.computeIfAbsent(v.day, d -> new VisitorSketch()).merge(VisitorSketch.fromBytes(v.sketch));
                        }
                    });
            Map<LocalDate, Long> uniques = new HashMap<>();
            visitors.forEach((day, union) -> uniques.put(day, union.estimate()));
            List<TopLink> topLinks = DailyClicks.getEntityManager().createQuery(
                            "select l.code, l.targetUrl, sum(d.clicks) from DailyClicks d, Link l where l.id = d.linkId and l.ownerId = ?1"
                                    + " and d.day >= ?2 and d.day <= ?3 group by l.code, l.targetUrl order by sum(d.clicks) desc, l.code",
                            Object[].class)
                    .setParameter(1, ownerId).setParameter(2, range.from()).setParameter(3, range.to()).setMaxResults(top)
                    .getResultList().stream().map(r -> new TopLink((String) r[0], (String) r[1], ((Number) r[2]).longValue())).toList();
            List<Day> daily = days(range, clicks, bots, uniques);
            return new Overview(range.from(), range.to(), Link.count("ownerId", ownerId), sum(daily, Day::clicks), sum(daily, Day::bots),
                    sum(daily, Day::uniqueVisitors), daily, topLinks);
        });
    }

    private static Map<LocalDate, Long> perDay(jakarta.persistence.TypedQuery<Object[]> query, long ownerId, StatsRange range) {
        Map<LocalDate, Long> byDay = new HashMap<>();
        query.setParameter(1, ownerId).setParameter(2, range.from()).setParameter(3, range.to()).getResultList()
                .forEach(row -> byDay.put((LocalDate) row[0], ((Number) row[1]).longValue()));
        return byDay;
    }

    private static List<Day> days(StatsRange range, Map<LocalDate, Long> clicks, Map<LocalDate, Long> bots, Map<LocalDate, Long> uniques) {
        List<Day> daily = new ArrayList<>((int) range.days());
        for (LocalDate day = range.from(); !day.isAfter(range.to()); day = day.plusDays(1)) {
            daily.add(new Day(day, clicks.getOrDefault(day, 0L), bots.getOrDefault(day, 0L), uniques.getOrDefault(day, 0L)));
        }
        return daily;
    }

    private static long sum(List<Day> daily, java.util.function.ToLongFunction<Day> figure) {
        return daily.stream().mapToLong(figure).sum();
    }

    /** The most frequent values, most first (ties by name, so the order is stable). */
    private static List<Count> top(EnumMap<Dimension, Map<String, Long>> breakdown, Dimension dimension, int top) {
        return breakdown.getOrDefault(dimension, Map.of()).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top).map(e -> new Count(e.getKey(), e.getValue())).toList();
    }

    private static long estimate(byte[] sketch) {
        return VisitorSketch.fromBytes(sketch).estimate();
    }

    /**
     * A link's statistics over the range as CSV, one figure a row ({@code day,metric,value,count}): per day its clicks,
     * bot visits and unique visitors, then its breakdowns (metric = dimension). Long rather than wide, so a
     * spreadsheet's pivot table can slice it any way.
     */
    public String csv(long ownerId, String code, StatsRange range) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Link link = owned(ownerId, code);
            List<DailyVisits> rows = visitRows(link, range); // read once: for the figures and for the rows
            LinkStats stats = linkStats(link, range, 0, rows);
            Map<LocalDate, List<DailyVisits>> byDay = new HashMap<>();
            rows.forEach(v -> byDay.computeIfAbsent(v.day, d -> new ArrayList<>()).add(v));
            StringBuilder csv = new StringBuilder("day,metric,value,count\r\n");
            for (Day day : stats.daily()) {
                csv.append(day.day()).append(",clicks,,").append(day.clicks()).append("\r\n");
                csv.append(day.day()).append(",bot_visits,,").append(day.bots()).append("\r\n");
                csv.append(day.day()).append(",unique_visitors,,").append(day.uniqueVisitors()).append("\r\n");
                for (DailyVisits v : byDay.getOrDefault(day.day(), List.of())) {
                    csv.append(day.day()).append(',').append(v.dimension).append(',').append(csvField(v.value)).append(',').append(v.visits).append("\r\n");
                }
            }
            return csv.toString();
        });
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so that no spreadsheet runs it as a formula. */
    static String csvField(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) {
            return safe;
        }
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
