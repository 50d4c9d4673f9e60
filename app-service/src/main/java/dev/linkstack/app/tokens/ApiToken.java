package dev.linkstack.app.tokens;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.linkstack.app.auth.TokenScope;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An API token; only its SHA-256 is stored, the token itself is shown once at creation. */
@Entity
@Table(name = "api_tokens")
public class ApiToken extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "user_id", nullable = false)
    public Long userId;

    @Column(nullable = false, length = 100)
    public String name;

    @Column(name = "token_hash", nullable = false, unique = true, length = 64)
    public String tokenHash;

    /** First characters of the token, to recognise it in a list. */
    @Column(nullable = false, length = 16)
    public String prefix;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    /** What the token may do; tokens from before scopes existed are {@code full}. */
    @Column(nullable = false, length = 16)
    @Convert(converter = ScopeColumn.class)
    public TokenScope scope;

    /** Stores the scope as the lower-case word the API shows. */
    @Converter
    public static class ScopeColumn implements AttributeConverter<TokenScope, String> {
        @Override
        public String convertToDatabaseColumn(TokenScope scope) {
            return scope == null ? null : scope.value();
        }

        @Override
        public TokenScope convertToEntityAttribute(String value) {
            return value == null ? null : TokenScope.parse(value, null);
        }
    }
}
