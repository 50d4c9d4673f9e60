package dev.linkstack.app.auth;

import dev.linkstack.app.session.Secrets;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;

import java.time.Instant;
import java.util.List;

/** Single-use invite codes (V4__invites.sql): only their SHA-256 is stored; using one deletes it. */
public final class Invites {
    private Invites() {
    }

    /** A new code, stored; in the caller's transaction. */
    static String create(long adminId, Instant now) {
        String code = Secrets.random(16);
        User.getEntityManager().createNativeQuery("INSERT INTO invites (code_hash, created_by, created_at) VALUES (?1, ?2, ?3)")
                .setParameter(1, Secrets.sha256Hex(code)).setParameter(2, adminId).setParameter(3, now).executeUpdate();
        return code;
    }

    /** An invite not used yet: when and by whom it was made (the code itself is not stored). */
    @RegisterForReflection
    public record Unused(Instant createdAt, String createdBy) {
    }

    /** Invites not used yet, newest first. In the caller's transaction. */
    static List<Unused> unused() {
        // Typed scalars: Hibernate reads the timestamp back the way it wrote it, on PostgreSQL and on SQLite alike.
        List<Object[]> rows = User.getEntityManager().createNativeQuery(
                        "SELECT i.created_at AS created_at, u.username AS username FROM invites i LEFT JOIN users u ON u.id = i.created_by ORDER BY i.created_at DESC")
                .unwrap(NativeQuery.class)
                .addScalar("created_at", StandardBasicTypes.INSTANT).addScalar("username", StandardBasicTypes.STRING)
                .getResultList();
        return rows.stream().map(row -> new Unused((Instant) row[0], row[1] == null ? "?" : (String) row[1])).toList();
    }

    /** Uses up the code; false when there is no such (unused) code. In the caller's transaction. */
    static boolean use(String code) {
        if (code == null || code.isBlank() || code.length() > 100) {
            return false;
        }
        return User.getEntityManager().createNativeQuery("DELETE FROM invites WHERE code_hash = ?1")
                .setParameter(1, Secrets.sha256Hex(code.trim())).executeUpdate() == 1;
    }
}
