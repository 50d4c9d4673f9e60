package dev.linkstack.app.tokens;

import dev.linkstack.app.auth.TokenScope;
import dev.linkstack.app.auth.User;
import dev.linkstack.app.session.Secrets;
import dev.linkstack.app.errors.Conflict;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TokenService {
    static final String TOKEN_PREFIX = "lsk_";
    private static final int MAX_TOKENS_PER_USER = 50;
    /** last_used_at is a hint, not an audit log: write it at most this often per token. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(5);

    private static final String NAME_RULE = "Token name must be 1-100 characters";
    private static final String DAYS_RULE = "expiresInDays must be between 1 and 3650";

    public record Created(ApiToken token, String secret) {
    }

    /** A valid token's owner and what the token may do. */
    public record Use(User owner, TokenScope scope) {
    }

    private final Clock clock;

    TokenService(Clock clock) {
        this.clock = clock;
    }

    /** Bean Validation checks the arguments (for the API and the pages alike); a violation names its argument. */
    public Created create(long userId,
                          @NotBlank(message = NAME_RULE) @Size(max = 100, message = NAME_RULE) String name,
                          @Min(value = 1, message = DAYS_RULE) @Max(value = 3650, message = DAYS_RULE) Integer expiresInDays,
                          TokenScope scope) {
        String secret = TOKEN_PREFIX + Secrets.random(32);
        ApiToken token = QuarkusTransaction.requiringNew().call(() -> {
            if (ApiToken.count("userId", userId) >= MAX_TOKENS_PER_USER) {
                throw new Conflict("name", "At most " + MAX_TOKENS_PER_USER + " tokens per user; revoke one first");
            }
            ApiToken t = new ApiToken();
            t.userId = userId;
            t.name = name.trim();
            t.tokenHash = Secrets.sha256Hex(secret);
            t.prefix = secret.substring(0, 12);
            t.createdAt = clock.instant();
            t.expiresAt = expiresInDays == null ? null : t.createdAt.plus(Duration.ofDays(expiresInDays));
            t.scope = scope;
            t.persist();
            return t;
        });
        return new Created(token, secret);
    }

    public List<ApiToken> list(long userId) {
        return QuarkusTransaction.requiringNew().call(() -> ApiToken.<ApiToken>list("userId", Sort.descending("createdAt", "id"), userId));
    }

    public void revoke(long userId, long tokenId) {
        long deleted = QuarkusTransaction.requiringNew().call(() -> ApiToken.delete("id = ?1 and userId = ?2", tokenId, userId));
        if (deleted == 0) {
            throw new TokenNotFound(String.valueOf(tokenId));
        }
    }

    /** The owner of a valid, unexpired token, with the token's scope. */
    public Optional<Use> authenticate(String secret) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        String hash = Secrets.sha256Hex(secret);
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<ApiToken> found = ApiToken.find("tokenHash", hash).firstResultOptional();
            Instant now = clock.instant();
            if (found.isEmpty() || (found.get().expiresAt != null && !found.get().expiresAt.isAfter(now))) {
                return Optional.empty();
            }
            ApiToken token = found.get();
            if (token.lastUsedAt == null || token.lastUsedAt.plus(LAST_USED_RESOLUTION).isBefore(now)) {
                token.lastUsedAt = now;
            }
            return User.<User>findByIdOptional(token.userId).filter(owner -> !owner.disabled()).map(owner -> new Use(owner, token.scope));
        });
    }
}
