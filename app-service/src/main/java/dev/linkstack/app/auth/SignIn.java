package dev.linkstack.app.auth;

import dev.linkstack.app.errors.BackendUnavailableException;
import dev.linkstack.app.errors.InvalidCredentials;
import dev.linkstack.app.session.SessionManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import java.time.Duration;
import java.util.Optional;

/**
 * Signing in and out, for the API ({@link AuthResource}) and the pages alike: the throttle, the password check and
 * a fresh session (no session fixation: a session the client arrived with ends, the new one gets a fresh id).
 */
@ApplicationScoped
public class SignIn {
    private static final Duration SESSION_STORE_TIMEOUT = Duration.ofSeconds(3);

    /** A signed-in user and the value of their new session cookie. */
    public record Started(User user, String sessionId) {
    }

    private final AuthService auth;
    private final SessionManager sessions;
    private final CredentialThrottle throttle;

    SignIn(AuthService auth, SessionManager sessions, CredentialThrottle throttle) {
        this.auth = auth;
        this.sessions = sessions;
        this.throttle = throttle;
    }

    /**
     * Checks the password and starts a session. Throws {@link InvalidCredentials} for an unknown user or a wrong
     * password, {@link CredentialThrottle.TooManyAttempts} when the account or the address has used up its failures
     * (the attempt is counted before the password is checked).
     */
    public Started withPassword(String username, String password, String address, HttpHeaders request) {
        throttle.reserveSignIn(username, address);
        Optional<User> user;
        try {
            user = auth.verify(username, password);
        } catch (RuntimeException e) {
            throttle.signInNotChecked(username, address);
            throw e;
        }
        if (user.isEmpty()) {
            throw new InvalidCredentials();
        }
        throttle.signedIn(username, address);
        return start(user.get(), request);
    }

    /** Starts a session for a user just registered or just verified. */
    public Started start(User user, HttpHeaders request) {
        try {
            endSessionOf(request);
            String sessionId = sessions.start(user.id, user.role, user.username).await().atMost(SESSION_STORE_TIMEOUT);
            return new Started(user, sessionId);
        } catch (RuntimeException e) {
            throw BackendUnavailableException.explain(e, "Session store is unavailable, try again shortly");
        }
    }

    /** Ends the session named by the request's cookie, if any. */
    public void endSessionOf(HttpHeaders request) {
        Cookie cookie = request.getCookies().get(sessions.cookieName());
        if (cookie != null) {
            sessions.end(cookie.getValue()).await().atMost(SESSION_STORE_TIMEOUT);
        }
    }

    /** Set-Cookie value for a started session. */
    public String cookie(Started started) {
        return sessions.cookie(started.sessionId());
    }

    /** Set-Cookie value that clears the session cookie. */
    public String expiredCookie() {
        return sessions.expiredCookie();
    }
}
