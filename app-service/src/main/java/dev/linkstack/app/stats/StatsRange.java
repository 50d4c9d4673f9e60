package dev.linkstack.app.stats;

import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.links.LinkResource;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The UTC days a statistic covers, both ends included: the last {@code days}, or {@code from}..{@code to}. */
public record StatsRange(LocalDate from, LocalDate to) {
    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 366;

    public long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    public static StatsRange lastDays(int days, Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return new StatsRange(today.minusDays(days - 1L), today);
    }

    /** From query parameters: {@code days} (1-366), or {@code from} and optionally {@code to} (ISO dates; to defaults to today). */
    public static StatsRange of(String days, String from, String to, Clock clock) {
        boolean dated = present(from) || present(to);
        if (dated && present(days)) {
            throw new InvalidInput("days", "Give either 'days' or 'from'/'to', not both");
        }
        if (!dated) {
            return lastDays(LinkResource.intParam("days", days, DEFAULT_DAYS, 1, MAX_DAYS), clock);
        }
        if (!present(from)) {
            throw new InvalidInput("from", "Query parameter 'from' is required with 'to'");
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        StatsRange range = new StatsRange(date("from", from), present(to) ? date("to", to) : today);
        if (range.to.isBefore(range.from)) {
            throw new InvalidInput("to", "'to' must not be before 'from'");
        }
        if (range.days() > MAX_DAYS) {
            throw new InvalidInput("from", "A range covers at most " + MAX_DAYS + " days");
        }
        return range;
    }

    /** How many of each breakdown's values to list: {@code top}, 1-100, default 10. */
    public static int top(String top) {
        return LinkResource.intParam("top", top, VisitStatistics.DEFAULT_TOP, 1, 100);
    }

    private static LocalDate date(String name, String value) {
        try {
            LocalDate date = LocalDate.parse(value.trim());
            if (date.getYear() < 2000 || date.getYear() > 9999) {
                throw new InvalidInput(name, "Query parameter '" + name + "' must be a date from 2000 on");
            }
            return date;
        } catch (DateTimeParseException e) {
            throw new InvalidInput(name, "Query parameter '" + name + "' must be an ISO date such as 2026-01-31");
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
