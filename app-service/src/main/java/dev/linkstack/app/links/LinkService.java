package dev.linkstack.app.links;

import dev.linkstack.app.clicks.DailyClicks;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.errors.UniqueViolation;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.errors.Unavailable;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Links of their owners: creation with validation, paging, changes that reach every cache, statistics. */
@ApplicationScoped
public class LinkService {
    private static final int GENERATE_ATTEMPTS = 8;

    public record PageOf<T>(List<T> items, int page, int size, long total) {
    }

    public record DayCount(LocalDate day, long clicks) {
    }

    public record Stats(String code, long totalClicks, List<DayCount> daily) {
    }

    /**
     * A change to a link; absent fields stay as they are, {@code clearExpiry} removes the expiry, {@code clearPassword}
     * the password.
     */
    public record Change(Optional<String> url, Optional<Instant> expiresAt, boolean clearExpiry, Optional<String> password,
                         boolean clearPassword) {
        /** A change that leaves the password as it is. */
        public Change(Optional<String> url, Optional<Instant> expiresAt, boolean clearExpiry) {
            this(url, expiresAt, clearExpiry, Optional.empty(), false);
        }
    }

    private final ShortCodes codes;
    private final Event<LinkChanged> changes;
    private final Clock clock;
    private final List<String> blockedDomains;

    LinkService(ShortCodes codes, Event<LinkChanged> changes, Clock clock, AppConfig config) {
        this.codes = codes;
        this.changes = changes;
        this.clock = clock;
        this.blockedDomains = config.links().blockedDomains().orElse(List.of()).stream()
                .map(TargetUrls::normaliseDomain).filter(d -> !d.isEmpty()).distinct().toList();
    }

    public Link create(long ownerId, String url, String customCode, Instant expiresAt) {
        return create(ownerId, url, customCode, expiresAt, null);
    }

    /** A link whose redirect asks for {@code password} first (null: an open link). */
    public Link create(long ownerId, String url, String customCode, Instant expiresAt, String password) {
        requireValidUrl(url);
        requireFuture(expiresAt);
        String passwordHash = password == null ? null : hashPassword(password); // slow on purpose: outside the transaction
        if (customCode != null) {
            String problem = codes.problem(customCode);
            if (problem != null) {
                throw new InvalidInput("code", problem);
            }
            return insert(ownerId, url, customCode, expiresAt, passwordHash)
                    .orElseThrow(() -> new CodeTaken(customCode));
        }
        for (int attempt = 0; attempt < GENERATE_ATTEMPTS; attempt++) {
            // After a few collisions the code space is crowded: grow the code by one character.
            Optional<Link> created = insert(ownerId, url, codes.generate(attempt / 3), expiresAt, passwordHash);
            if (created.isPresent()) {
                return created.get();
            }
        }
        throw new Unavailable("Could not find a free code, try again");
    }

    public PageOf<Link> list(long ownerId, int page, int size, String search) {
        return find(ownerId, page, size, search);
    }

    /** Everyone's links (for the admin), newest first, optionally only those whose code or target contains the text. */
    public PageOf<Link> listAll(int page, int size, String search) {
        return find(null, page, size, search);
    }

    private PageOf<Link> find(Long ownerId, int page, int size, String search) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Sort newestFirst = Sort.descending("createdAt", "id");
            Parameters parameters = new Parameters();
            List<String> conditions = new ArrayList<>();
            if (ownerId != null) {
                conditions.add("ownerId = :owner");
                parameters.and("owner", ownerId);
            }
            if (search != null && !search.isBlank()) {
                String pattern = "%" + search.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
                conditions.add("(lower(code) like :p escape '\\' or lower(targetUrl) like :p escape '\\')");
                parameters.and("p", pattern);
            }
            PanacheQuery<Link> query = conditions.isEmpty() ? Link.findAll(newestFirst)
                    : Link.find(String.join(" and ", conditions), newestFirst, parameters);
            List<Link> items = query.page(Page.of(page, size)).list();
            return new PageOf<>(items, page, size, query.count());
        });
    }

    public Link get(long ownerId, String code) {
        return QuarkusTransaction.requiringNew().call(() -> owned(ownerId, code));
    }

    public Link update(long ownerId, String code, Change change) {
        change.url().ifPresent(this::requireValidUrl);
        change.expiresAt().ifPresent(this::requireFuture);
        Optional<String> passwordHash = change.password().map(LinkService::hashPassword);
        Link updated = QuarkusTransaction.requiringNew().call(() -> {
            Link link = owned(ownerId, code);
            change.url().ifPresent(url -> link.targetUrl = url);
            change.expiresAt().ifPresent(at -> link.expiresAt = at);
            if (change.clearExpiry()) {
                link.expiresAt = null;
            }
            passwordHash.ifPresent(hash -> link.passwordHash = hash);
            if (change.clearPassword()) {
                link.passwordHash = null;
            }
            link.updatedAt = clock.instant();
            return link;
        });
        changes.fire(new LinkChanged(code));
        return updated;
    }

    public void delete(long ownerId, String code) {
        delete(code, () -> owned(ownerId, code));
    }

    /** Deletes anyone's link (the admin removing e.g. a phishing link); every cache tier forgets it at once. */
    public Link deleteAny(String code) {
        return delete(code, () -> Link.findByCode(code).orElseThrow(() -> new LinkNotFound(code)));
    }

    /** Blocks or unblocks anyone's link; a blocked one is dropped from every cache tier and redirects no more. */
    public Link setBlocked(String code, boolean blocked) {
        Link changed = QuarkusTransaction.requiringNew().call(() -> {
            Link link = Link.findByCode(code).orElseThrow(() -> new LinkNotFound(code));
            if (blocked != (link.blockedAt != null)) {
                link.blockedAt = blocked ? clock.instant() : null;
            }
            return link;
        });
        changes.fire(new LinkChanged(code));
        return changed;
    }

    private Link delete(String code, java.util.function.Supplier<Link> find) {
        Link deleted = QuarkusTransaction.requiringNew().call(() -> {
            Link link = find.get();
            DailyClicks.delete("linkId", link.id);
            link.delete();
            return link;
        });
        changes.fire(new LinkChanged(code));
        return deleted;
    }

    public Stats stats(long ownerId, String code, int days) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Link link = owned(ownerId, code);
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            LocalDate first = today.minusDays(days - 1L);
            Map<LocalDate, Long> byDay = new HashMap<>();
            DailyClicks.<DailyClicks>list("linkId = ?1 and day >= ?2", link.id, first)
                    .forEach(d -> byDay.put(d.day, d.clicks));
            List<DayCount> daily = new ArrayList<>(days);
            for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
                daily.add(new DayCount(day, byDay.getOrDefault(day, 0L)));
            }
            return new Stats(link.code, link.clickCount, daily);
        });
    }

    /** Inserts a link unless its code is taken (checked first, and by the unique index against races). */
    private Optional<Link> insert(long ownerId, String url, String code, Instant expiresAt, String passwordHash) {
        try {
            Optional<Link> created = QuarkusTransaction.requiringNew().call(() -> {
                if (Link.count("code", code) > 0) {
                    return Optional.empty();
                }
                Link link = new Link();
                link.code = code;
                link.targetUrl = url;
                link.ownerId = ownerId;
                link.createdAt = clock.instant();
                link.updatedAt = link.createdAt;
                link.expiresAt = expiresAt;
                link.passwordHash = passwordHash;
                link.persistAndFlush();
                return Optional.of(link);
            });
            // A redirect may have cached this code as missing a moment ago.
            created.ifPresent(link -> changes.fire(new LinkChanged(code)));
            return created;
        } catch (RuntimeException e) {
            if (UniqueViolation.isCausedBy(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Link owned(long ownerId, String code) {
        // Someone else's link is reported exactly like a missing one: codes of others are not disclosed.
        return Link.findByCode(code).filter(link -> link.ownerId == ownerId)
                .orElseThrow(() -> new LinkNotFound(code));
    }

    private void requireValidUrl(String url) {
        String problem = TargetUrls.problem(url, blockedDomains);
        if (problem != null) {
            throw new InvalidInput("url", problem);
        }
    }

    private static String hashPassword(String password) {
        String problem = LinkPasswords.problem(password);
        if (problem != null) {
            throw new InvalidInput("password", problem);
        }
        return LinkPasswords.hash(password);
    }

    private void requireFuture(Instant expiresAt) {
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new InvalidInput("expiresAt", "expiresAt must be in the future");
        }
    }
}
