package dev.linkstack.backup.ui;

import dev.linkstack.backup.config.BackupConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wrong API tokens presented on the backups page's sign-in form, counted per client address in a window that starts
 * at the first failure. Past the limit every sign-in from that address is refused, the right token too, until the
 * window ends. In memory: the service runs as one instance, and a restart forgetting the counts costs an attacker a
 * restart of the service.
 */
@ApplicationScoped
public class SignInThrottle {
    /** Addresses held before expired windows are swept out. */
    private static final int SWEEP_ABOVE = 1024;

    private record Window(Instant start, int failures) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;

    SignInThrottle(BackupConfig config, Clock clock) {
        this.maxFailures = config.ui().loginMaxFailures();
        this.window = config.ui().loginFailureWindow();
        this.clock = clock;
    }

    /**
     * Counts an attempt as a failure before the token is checked, so that simultaneous guesses cannot all slip under
     * the limit. Empty when the attempt may go on; otherwise the seconds until the address may try again.
     */
    OptionalLong reserve(String address) {
        Instant now = clock.instant();
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
        }
        long[] wait = {0};
        windows.compute(address, (key, current) -> {
            Window live = current == null || !now.isBefore(current.start().plus(window)) ? new Window(now, 0) : current;
            if (live.failures() >= maxFailures) {
                wait[0] = Math.max(1, (Duration.between(now, live.start().plus(window)).toMillis() + 999) / 1000);
                return live;
            }
            return new Window(live.start(), live.failures() + 1);
        });
        return wait[0] == 0 ? OptionalLong.empty() : OptionalLong.of(wait[0]);
    }

    /** The attempt presented the right token: it was no failure. */
    void giveBack(String address) {
        windows.computeIfPresent(address, (key, current) -> current.failures() <= 1 ? null : new Window(current.start(), current.failures() - 1));
    }
}
