package dev.linkstack.app.ui;

import dev.linkstack.app.stats.StatsRange;
import dev.linkstack.app.stats.VisitStatistics;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** What the statistics pages show beyond the figures: breakdowns as shares, and the range form's state. */
final class StatsPage {
    private static final List<Integer> DAY_CHOICES = List.of(7, 30, 90, 365);

    private StatsPage() {
    }

    static List<Pages.Breakdown> breakdowns(VisitStatistics.LinkStats stats) {
        List<Pages.Breakdown> shown = new ArrayList<>();
        shown.add(breakdown("referrers", "Referrers", stats.referrers(), stats.clicks(), "No clicks in this range."));
        if (stats.countries() != null) {
            shown.add(breakdown("countries", "Countries", stats.countries(), stats.clicks(), "No clicks in this range."));
        }
        shown.add(breakdown("devices", "Devices", stats.devices(), stats.clicks(), "No clicks in this range."));
        shown.add(breakdown("browsers", "Browsers", stats.browsers(), stats.clicks(), "No clicks in this range."));
        shown.add(breakdown("os", "Operating systems", stats.os(), stats.clicks(), "No clicks in this range."));
        shown.add(breakdown("bots", "Bots and link previews (not clicks)", stats.bots(), stats.botVisits(), "No bot visits in this range."));
        return shown;
    }

    private static Pages.Breakdown breakdown(String id, String title, List<VisitStatistics.Count> counts, long total, String empty) {
        return new Pages.Breakdown(id, title, counts.stream()
                .map(c -> new Pages.Share(c.value(), c.visits(), total == 0 ? 0 : (int) Math.round(100.0 * c.visits() / total))).toList(), empty);
    }

    /** The range as the form shows it: a number of days ending today, or the dates given. */
    static Pages.StatsPicker picker(StatsRange range, Clock clock, String linkQuery) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        boolean lastDays = range.to().equals(today) && DAY_CHOICES.contains((int) range.days());
        String query = (linkQuery.isEmpty() ? "" : linkQuery + "&") + "from=" + range.from() + "&to=" + range.to();
        return new Pages.StatsPicker(lastDays ? (int) range.days() : 0, range.from().toString(), range.to().toString(), DAY_CHOICES, query);
    }
}
