package dev.linkstack.app.links;

import dev.linkstack.app.errors.InvalidInput;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Rules for tags: lower case (normalised), 1-32 characters of [a-z0-9_-], at most 10 per link. */
public final class Tags {
    public static final int MAX_PER_LINK = 10;
    private static final Pattern TAG = Pattern.compile("[a-z0-9_-]{1,32}");
    /** What separates tags typed into a form or found in another shortener's export ("a, b", "a|b"). */
    private static final Pattern SEPARATORS = Pattern.compile("[,|;\\s]+");

    private Tags() {
    }

    /** The tags as a sorted set without duplicates, or InvalidInput on the field named. */
    public static List<String> normalise(Collection<String> tags, String field) {
        TreeSet<String> set = new TreeSet<>();
        for (String tag : tags) {
            if (tag == null) {
                throw new InvalidInput(field, "'" + field + "' must hold strings");
            }
            String t = tag.strip().toLowerCase(Locale.ROOT);
            if (!TAG.matcher(t).matches()) {
                throw new InvalidInput(field, "'" + field + "': tag '" + abbreviate(tag) + "' must be 1-32 characters of a-z, 0-9, '_' or '-'");
            }
            set.add(t);
        }
        if (set.size() > MAX_PER_LINK) {
            throw new InvalidInput(field, "'" + field + "': at most " + MAX_PER_LINK + " tags per link");
        }
        return List.copyOf(set);
    }

    /** Tags written as one text, separated by commas, bars, semicolons or spaces. */
    public static List<String> parse(String text, String field) {
        List<String> parts = new ArrayList<>();
        if (text != null) {
            for (String part : SEPARATORS.split(text.strip())) {
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            }
        }
        return normalise(parts, field);
    }

    /** One tag asked for in a filter: normalised, or InvalidInput. */
    public static String one(String tag, String field) {
        return normalise(List.of(tag), field).get(0);
    }

    private static String abbreviate(String tag) {
        return tag.length() > 40 ? tag.substring(0, 40) + "…" : tag;
    }
}
