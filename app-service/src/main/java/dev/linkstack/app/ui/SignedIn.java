package dev.linkstack.app.ui;

import dev.linkstack.app.auth.User;
import dev.linkstack.app.session.Session;
import dev.linkstack.app.session.SessionManager;
import dev.linkstack.app.web.BackendUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The pages' view of the session cookie: who is signed in, or a redirect to the sign-in page (pages answer
 * people, so they redirect where the API answers 401).
 */
@ApplicationScoped
public class SignedIn {
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);
    private final SessionManager sessions;

    SignedIn(SessionManager sessions) {
        this.sessions = sessions;
    }

    public record Account(long id, String username, boolean admin, String sessionId) {
    }

    public Optional<Account> current(HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(sessions.cookieName());
        if (cookie == null || cookie.getValue().isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<Session> session = sessions.resolve(cookie.getValue()).await().atMost(STORE_TIMEOUT);
            return session.map(s -> new Account(s.userId(), s.username(), User.ROLE_ADMIN.equals(s.role()), cookie.getValue()));
        } catch (RuntimeException e) {
            throw BackendUnavailableException.findIn(e) != null ? e : new BackendUnavailableException("Session store is unavailable", e);
        }
    }

    /** The signed-in account, or a 303 to the sign-in page. */
    public Account require(HttpHeaders headers) {
        return current(headers).orElseThrow(() -> new WebApplicationException(seeOther("/account/login")));
    }

    static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
