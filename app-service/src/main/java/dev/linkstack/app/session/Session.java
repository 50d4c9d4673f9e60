package dev.linkstack.app.session;

import java.time.Instant;

/** What a session remembers about its user; small enough to need no database read per request. */
public record Session(long userId, String role, Instant createdAt, String username) {

    /** Compact wire form: {@code userId|role|createdEpochSeconds|username} (usernames cannot contain '|'). */
    public String encode() {
        return userId + "|" + role + "|" + createdAt.getEpochSecond() + "|" + username;
    }

    public static Session decode(String value) {
        String[] parts = value.split("\\|", 4);
        if (parts.length != 4) {
            throw new IllegalArgumentException("malformed session value");
        }
        return new Session(Long.parseLong(parts[0]), parts[1], Instant.ofEpochSecond(Long.parseLong(parts[2])), parts[3]);
    }
}
