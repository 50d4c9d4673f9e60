package dev.linkstack.app.links;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@Entity
@Table(name = "links")
public class Link extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true, length = 64)
    public String code;

    @Column(name = "target_url", nullable = false, length = 2048)
    public String targetUrl;

    @Column(name = "owner_id", nullable = false)
    public Long ownerId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Set while an admin has blocked the link: its redirect answers 410 Gone; its owner still sees it. */
    @Column(name = "blocked_at")
    public Instant blockedAt;

    /** bcrypt hash of the link's password (see {@link LinkPasswords}); null for an open link. */
    @Column(name = "password_hash", length = 100)
    public String passwordHash;

    /** Clicks already written to the database; counts still buffered arrive with the next flush. */
    @Column(name = "click_count", nullable = false)
    public long clickCount;

    /** Sorted; filled in by {@link LinkService} from link_tags for every link it hands out. */
    @Transient
    public List<String> tags = List.of();

    public static Optional<Link> findByCode(String code) {
        // PostgreSQL text cannot hold NUL, so no row can match (and the query would fail).
        if (code == null || code.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        return find("code", code).firstResultOptional();
    }
}
