package dev.linkstack.app.clicks;

import java.time.LocalDate;

/** Clicks are counted per link and UTC day. */
public record ClickKey(long linkId, long epochDay) {

    public LocalDate day() {
        return LocalDate.ofEpochDay(epochDay);
    }

    /** Field name in the shared Redis hash: {@code linkId:epochDay}. */
    public String encode() {
        return linkId + ":" + epochDay;
    }

    public static ClickKey decode(String field) {
        int colon = field.indexOf(':');
        return new ClickKey(Long.parseLong(field, 0, colon, 10), Long.parseLong(field, colon + 1, field.length(), 10));
    }
}
