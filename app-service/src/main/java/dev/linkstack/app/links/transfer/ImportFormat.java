package dev.linkstack.app.links.transfer;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CSV exports an import understands, told apart by their header row. Header names are compared lower case with
 * everything but letters and digits dropped ("Long URL", "long_url" and "longUrl" are one name). Column names, and
 * where they come from:
 * <ul>
 * <li>Linkstack's own export: code, short_url, url, created_at, expires_at, tags, clicks; any CSV with a "url" column
 * (and optionally "code", "tags") is read this way.</li>
 * <li>Shlink (web client "Export" of the short URL list, shlink-web-component ExportableShortUrl, file short_urls.csv):
 * createdAt, title, shortUrl, domain, shortCode, longUrl, tags, visits.</li>
 * <li>YOURLS (export plugins dump its yourls_url table): keyword, url, title, timestamp, ip, clicks.</li>
 * <li>Bitly (bitlinks as its API and CSV exports name them, e.g. dev.bitly.com / Coupler's Bitly field list): link or
 * bitlink (the short URL), id (bit.ly/abc), long_url, title, created_at, tags, custom_bitlinks.</li>
 * <li>Kutt (no built-in export; exports made from its API or database use the link fields of its API): address (the
 * code), link (the short URL), target, description, visit_count, created_at.</li>
 * </ul>
 * Clicks, titles and visit counts are not imported: they belong to the service the file came from.
 */
enum ImportFormat {
    SHLINK(List.of("shortcode"), List.of("shorturl"), List.of("longurl"), List.of("createdat", "datecreated"), List.of("validuntil")),
    KUTT(List.of("address"), List.of("link", "shortlink"), List.of("target"), List.of("createdat"), List.of()),
    YOURLS(List.of("keyword"), List.of("shorturl"), List.of("url"), List.of("timestamp"), List.of()),
    BITLY(List.of("custombitlinks", "custombitlink"), List.of("link", "bitlink", "id"), List.of("longurl"),
            List.of("createdat", "datecreated", "created"), List.of()),
    LINKSTACK(List.of("code"), List.of("shorturl"), List.of("url"), List.of("createdat"), List.of("expiresat"));

    private static final DateTimeFormatter OFFSET_WITHOUT_COLON = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final List<String> code;
    private final List<String> shortUrl;
    private final List<String> url;
    private final List<String> created;
    private final List<String> expires;

    ImportFormat(List<String> code, List<String> shortUrl, List<String> url, List<String> created, List<String> expires) {
        this.code = code;
        this.shortUrl = shortUrl;
        this.url = url;
        this.created = created;
        this.expires = expires;
    }

    /** The format's columns as this file's header spells them (null where the file has none). */
    record Columns(ImportFormat format, String code, String shortUrl, String url, String created, String expires, String tags) {
    }

    /** The format of a file with this header row, or null when it is none of those known. */
    static Columns detect(List<String> header) {
        Map<String, String> byKey = new HashMap<>();
        for (String name : header) {
            byKey.putIfAbsent(key(name), name);
        }
        ImportFormat format = byKey.containsKey("shortcode") && byKey.containsKey("longurl") ? SHLINK
                : byKey.containsKey("target") && (byKey.containsKey("address") || byKey.containsKey("link")) ? KUTT
                : byKey.containsKey("keyword") && byKey.containsKey("url") ? YOURLS
                : byKey.containsKey("longurl") ? BITLY
                : byKey.containsKey("url") ? LINKSTACK : null;
        if (format == null) {
            return null;
        }
        return new Columns(format, first(byKey, format.code), first(byKey, format.shortUrl), first(byKey, format.url),
                first(byKey, format.created), first(byKey, format.expires), byKey.get("tags"));
    }

    /** The code in a short URL: its last path segment ("https://bit.ly/abc" and "bit.ly/abc/" give "abc"). */
    static String codeOf(String shortUrl) {
        String s = shortUrl.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int query = s.indexOf('?');
        s = query >= 0 ? s.substring(0, query) : s;
        String last = s.substring(s.lastIndexOf('/') + 1);
        return last.isEmpty() || s.indexOf('/') < 0 ? null : last;
    }

    /** A date as exports write them: ISO-8601 with or without offset, "+0000" offsets, "2024-01-31 12:00:00" (UTC). */
    static Instant parseDate(String value) {
        String v = value.strip();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return OffsetDateTime.parse(v, OFFSET_WITHOUT_COLON).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDateTime.parse(v.replace('T', ' '), SPACED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String first(Map<String, String> byKey, List<String> keys) {
        return keys.stream().filter(byKey::containsKey).map(byKey::get).findFirst().orElse(null);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
