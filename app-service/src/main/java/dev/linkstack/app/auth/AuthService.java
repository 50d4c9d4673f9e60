package dev.linkstack.app.auth;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.errors.UniqueViolation;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.errors.NotAllowed;
import dev.linkstack.app.errors.NotFound;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

@ApplicationScoped
public class AuthService {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");

    private final AppConfig config;
    private final Clock clock;
    private final CredentialThrottle throttle;

    AuthService(AppConfig config, Clock clock, CredentialThrottle throttle) {
        this.config = config;
        this.clock = clock;
        this.throttle = throttle;
    }

    /**
     * Creates an account; the very first account becomes admin. Every attempt from the address counts against its
     * registration limit ({@link CredentialThrottle.TooManyAttempts}), whether it succeeds or not.
     */
    public User register(String rawUsername, String password, String address) {
        return register(rawUsername, password, null, address);
    }

    /** As {@link #register(String, String, String)}, with the invite code an invite-only server asks for. */
    public User register(String rawUsername, String password, String invite, String address) {
        if (!config.registration().enabled()) {
            throw new NotAllowed("Registration is disabled on this server");
        }
        throttle.reserveRegistration(address);
        String username = normalise(rawUsername);
        if (!USERNAME.matcher(username).matches()) {
            throw new InvalidInput("username", "Username must be 3-32 characters: letters, digits, '_', '.', '-'");
        }
        String problem = Passwords.problem(password);
        if (problem != null) {
            throw new InvalidInput("password", problem);
        }
        String hash = Passwords.hash(password); // slow on purpose: outside the transaction
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (User.findByUsername(username).isPresent()) {
                    throw new UsernameTaken(username);
                }
                User user = new User();
                user.username = username;
                user.passwordHash = hash;
                user.role = claimFirstAdmin() ? User.ROLE_ADMIN : User.ROLE_USER;
                if (config.registration().inviteOnly() && User.ROLE_USER.equals(user.role) && !Invites.use(invite)) {
                    throw new NotAllowed("Registration on this server needs an invite code from its admin (each works once)");
                }
                user.createdAt = clock.instant();
                user.persistAndFlush();
                return user;
            });
        } catch (RuntimeException e) {
            if (UniqueViolation.isCausedBy(e)) {
                throw new UsernameTaken(username);
            }
            throw e;
        }
    }

    /** Checks credentials in constant-ish time whether or not the user exists. */
    public Optional<User> verify(String rawUsername, String password) {
        if (rawUsername == null || password == null || password.isEmpty()) {
            return Optional.empty();
        }
        Optional<User> user = QuarkusTransaction.requiringNew().call(() -> User.findByUsername(normalise(rawUsername)));
        if (user.isEmpty()) {
            Passwords.burnTime(password);
            return Optional.empty();
        }
        // A disabled account answers like a wrong password: nothing tells a guesser which of the two it met.
        return Passwords.matches(password, user.get().passwordHash) && !user.get().disabled() ? user : Optional.empty();
    }

    /** True for the one registration that makes the first admin (V2__first_admin_claim.sql); in the caller's transaction. */
    private static boolean claimFirstAdmin() {
        return User.getEntityManager().createNativeQuery("INSERT INTO first_admin_claim (id) VALUES (1) ON CONFLICT DO NOTHING")
                .executeUpdate() == 1;
    }

    /** Disables or enables an account by name; the caller ends its sessions. */
    public User setDisabled(String rawUsername, boolean disabled) {
        return QuarkusTransaction.requiringNew().call(() -> {
            User user = User.findByUsername(normalise(rawUsername)).orElseThrow(() -> new NotFound("No such account"));
            if (disabled != user.disabled()) {
                user.disabledAt = disabled ? clock.instant() : null;
            }
            return user;
        });
    }

    /** A new single-use invite code, shown once to the admin who asked for it. */
    public String createInvite(long adminId) {
        return QuarkusTransaction.requiringNew().call(() -> Invites.create(adminId, clock.instant()));
    }

    /** Invite codes handed out and not used yet (when and by whom; the codes themselves are not kept). */
    public List<Invites.Unused> unusedInvites() {
        return QuarkusTransaction.requiringNew().call(Invites::unused);
    }

    public List<User> listUsers() {
        return QuarkusTransaction.requiringNew().call(() -> User.<User>listAll(io.quarkus.panache.common.Sort.by("id")));
    }

    private static String normalise(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }
}
