package dev.linkstack.app.auth;

import dev.linkstack.app.session.Secrets;

import java.time.Instant;

/** Single-use invite codes (V4__invites.sql): only their SHA-256 is stored; using one deletes it. */
final class Invites {
    private Invites() {
    }

    /** A new code, stored; in the caller's transaction. */
    static String create(long adminId, Instant now) {
        String code = Secrets.random(16);
        User.getEntityManager().createNativeQuery("INSERT INTO invites (code_hash, created_by, created_at) VALUES (?1, ?2, ?3)")
                .setParameter(1, Secrets.sha256Hex(code)).setParameter(2, adminId).setParameter(3, now).executeUpdate();
        return code;
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
