package dev.linkstack.app.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the link shortener itself; Quarkus settings stay under quarkus.*. Each default is written once: in
 * application.properties where an environment variable or a profile overrides it (those lines name the variable),
 * otherwise here in {@code @WithDefault}.
 */
@ConfigMapping(prefix = "app")
public interface AppConfig {

    /** Where sessions, the redirect cache and pending clicks live: "redis" (production) or "memory" (dev). */
    Backend backend();

    /** Public base URL used to build short URLs; without it the request's (forwarded) host is used. */
    Optional<String> publicBaseUrl();

    Registration registration();

    Session session();

    Login login();

    Redirect redirect();

    Clicks clicks();

    Visits visits();

    Links links();

    LinkPasswords linkPasswords();

    Limits limits();

    enum Backend {
        REDIS, MEMORY
    }

    interface Registration {
        boolean enabled();

        /** Only with a single-use invite code from the admin (the very first account, the admin, needs none). */
        boolean inviteOnly();

        /** Registration attempts (each costs a bcrypt hash) from one client address within the window; then 429. */
        int maxAttemptsPerAddress();

        Duration attemptWindow();
    }

    interface Session {
        @WithDefault("linkstack_session")
        String cookieName();

        /** Idle timeout: every authenticated request pushes the expiry forward by this much. */
        Duration idleTimeout();

        /** Hard limit from login, whatever the activity; also the cookie's Max-Age. */
        Duration absoluteTimeout();

        boolean cookieSecure();
    }

    interface Login {
        /** Failed sign-ins of one account within the window before it is refused with 429. */
        int maxFailuresPerAccount();

        /** Failed sign-ins from one client address within the window before it is refused with 429. */
        int maxFailuresPerAddress();

        Duration failureWindow();
    }

    interface Redirect {
        /** 302 (default, every click reaches us and is counted) or 301. */
        int status();

        /** TTL of a link in the shared Redis cache. */
        @WithDefault("PT10M")
        Duration cacheTtl();

        /** TTL of a link in each instance's in-process cache (also invalidated through Redis pub/sub). */
        @WithDefault("PT30S")
        Duration nearCacheTtl();

        @WithDefault("20000")
        int nearCacheSize();

        /** How long "no such code" is remembered, to keep floods of unknown codes off the database. */
        @WithDefault("PT5S")
        Duration missingTtl();
    }

    interface Clicks {
        /**
         * Interval of moving this instance's click counts into the shared Redis counters: what a crash of the
         * process (kill -9) can lose. Sub-second values work (a dedicated timer, not the scheduler).
         */
        Duration pushInterval();

        /** Interval of writing the shared counters into the database in one batch. */
        String flushInterval();

        /**
         * Most links (per UTC day) whose clicks this instance holds in memory at once, counting both the ones still
         * being counted and the ones in pushes no store has taken yet; clicks of further links are dropped (and
         * counted as dropped) until a store takes the pushes.
         */
        int maxPendingLinks();

        /**
         * Most visits waiting to be classified (a tenth of a second's worth, normally); the queue fills only if the
         * classification stops. About 200 bytes each with their headers.
         */
        @WithDefault("200000")
        int maxQueuedVisits();
    }

    interface Visits {
        /** A MaxMind-format country database (.mmdb: GeoLite2 Country, DB-IP Country Lite); without one, no countries. */
        Optional<java.nio.file.Path> geoDatabase();

        /** Distinct user agents whose classification is kept (parsing one takes about a millisecond). */
        @WithDefault("10000")
        int userAgentCacheSize();
    }

    interface Links {
        @WithDefault("7")
        int generatedCodeLength();

        /** Codes that would shadow paths of the service or look official. */
        @WithDefault("api,q,health,metrics,openapi,swagger-ui,login,logout,register,account,admin,auth,static,assets,dashboard,settings,tokens,links,about,help")
        List<String> reservedCodes();

        /** Domains links may not point to (subdomains included), e.g. known phishing hosts; comma-separated. */
        Optional<List<String>> blockedDomains();
    }

    /** Guessing the password of a link: failures counted like failed sign-ins, in fixed windows. */
    interface LinkPasswords {
        /** Wrong passwords for one link within the window before every attempt at it is refused with 429. */
        int maxFailuresPerLink();

        /** Wrong link passwords from one client address within the window before it is refused with 429. */
        int maxFailuresPerAddress();

        Duration failureWindow();
    }

    interface Limits {
        /** Largest accepted request body; larger ones get 413 before they are read. */
        @WithDefault("16384")
        long maxBodyBytes();

        /** Largest CSV body accepted by a link import (API and dashboard upload); larger ones get 413. */
        long maxImportBytes();

        /** Most data rows one import reads; the rest of the file is left unread and the report says so. */
        int maxImportRows();
    }
}
