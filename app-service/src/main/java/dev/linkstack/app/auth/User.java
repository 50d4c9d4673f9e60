package dev.linkstack.app.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Optional;

@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {
    public static final String ROLE_ADMIN = "admin";
    public static final String ROLE_USER = "user";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** Stored lower-case: names are unique regardless of case. */
    @Column(nullable = false, unique = true, length = 32)
    public String username;

    @Column(name = "password_hash", nullable = false, length = 100)
    public String passwordHash;

    @Column(nullable = false, length = 16)
    public String role;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Set while an admin has disabled the account: no sign-in, no session, no API token. */
    @Column(name = "disabled_at")
    public Instant disabledAt;

    public boolean disabled() {
        return disabledAt != null;
    }

    public static Optional<User> findByUsername(String username) {
        // PostgreSQL text cannot hold NUL, so no row can match (and the query would fail).
        if (username == null || username.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        return find("username", username).firstResultOptional();
    }
}
