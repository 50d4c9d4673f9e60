package dev.linkstack.app.auth;

import dev.linkstack.app.errors.BackendUnavailableException;
import dev.linkstack.app.errors.Conflict;
import dev.linkstack.app.session.SessionManager;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;

/** What the admin does to other accounts; each action is one log line naming the admin, the action and the target. */
@ApplicationScoped
public class AccountAdmin {
    private static final Logger LOG = Logger.getLogger(AccountAdmin.class);
    private static final Duration SESSION_STORE_TIMEOUT = Duration.ofSeconds(3);

    private final AuthService auth;
    private final SessionManager sessions;

    AccountAdmin(AuthService auth, SessionManager sessions) {
        this.auth = auth;
        this.sessions = sessions;
    }

    /**
     * Disables an account: it cannot sign in, its API tokens are refused (they are checked in the database on every
     * request) and its sessions end on every instance, so its very next request is 401. An admin cannot lock
     * themselves out.
     */
    public User disable(String admin, String username) {
        if (admin.equalsIgnoreCase(username == null ? "" : username.trim())) {
            throw new Conflict("username", "You cannot disable your own account");
        }
        User user = auth.setDisabled(username, true);
        int ended;
        try {
            ended = sessions.endAllOf(user.id).await().atMost(SESSION_STORE_TIMEOUT);
        } catch (RuntimeException e) {
            throw BackendUnavailableException.explain(e, "Account disabled, but the session store is unavailable: try again to end its sessions");
        }
        LOG.infof("admin %s: disabled account %s (%d sessions ended)", admin, user.username, ended);
        return user;
    }

    /** A single-use invite code for invite-only registration; the log names no code. */
    public String createInvite(String admin, long adminId) {
        String code = auth.createInvite(adminId);
        LOG.infof("admin %s: created an invite code", admin);
        return code;
    }

    public User enable(String admin, String username) {
        User user = auth.setDisabled(username, false);
        LOG.infof("admin %s: enabled account %s", admin, user.username);
        return user;
    }
}
