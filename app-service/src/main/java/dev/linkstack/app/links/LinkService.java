package dev.linkstack.app.links;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.errors.UniqueViolation;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.errors.Unavailable;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Links of their owners: creation with validation, paging, changes that reach every cache. */
@ApplicationScoped
public class LinkService {
    private static final int GENERATE_ATTEMPTS = 8;
    /** Tables whose rows belong to a link and go with it. */
    private static final List<String> LINK_ROWS = List.of("link_daily_clicks", "link_daily_visits", "link_daily_visitors", "link_tags");

    public record PageOf<T>(List<T> items, int page, int size, long total) {
    }

    /**
     * A change to a link; absent fields stay as they are, {@code clearExpiry} removes the expiry, tags replace the set,
     * {@code clearPassword} removes the password.
     */
    public record Change(Optional<String> url, Optional<Instant> expiresAt, boolean clearExpiry, Optional<List<String>> tags,
                         Optional<String> password, boolean clearPassword) {
        /** A change of the target or expiry only. */
        public Change(Optional<String> url, Optional<Instant> expiresAt, boolean clearExpiry) {
            this(url, expiresAt, clearExpiry, Optional.empty(), Optional.empty(), false);
        }
    }

    /** A tag of the owner's and how many of their links carry it. */
    public record TagCount(String tag, long links) {
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
        return create(ownerId, url, customCode, expiresAt, List.of(), null);
    }

    /** An open link with tags (the import's). */
    public Link create(long ownerId, String url, String customCode, Instant expiresAt, List<String> tags) {
        return create(ownerId, url, customCode, expiresAt, tags, null);
    }

    /** A link with tags, whose redirect asks for {@code password} first (null: an open link). */
    public Link create(long ownerId, String url, String customCode, Instant expiresAt, List<String> tags, String password) {
        requireValidUrl(url);
        requireFuture(expiresAt);
        List<String> tagSet = Tags.normalise(tags, "tags");
        String passwordHash = password == null ? null : hashPassword(password); // slow on purpose: outside the transaction
        if (customCode != null) {
            String problem = codes.problem(customCode);
            if (problem != null) {
                throw new InvalidInput("code", problem);
            }
            return insert(ownerId, url, customCode, expiresAt, tagSet, passwordHash)
                    .orElseThrow(() -> new CodeTaken(customCode));
        }
        for (int attempt = 0; attempt < GENERATE_ATTEMPTS; attempt++) {
            // After a few collisions the code space is crowded: grow the code by one character.
            Optional<Link> created = insert(ownerId, url, codes.generate(attempt / 3), expiresAt, tagSet, passwordHash);
            if (created.isPresent()) {
                return created.get();
            }
        }
        throw new Unavailable("Could not find a free code, try again");
    }

    public PageOf<Link> list(long ownerId, int page, int size, String search) {
        return list(ownerId, page, size, search, null);
    }

    /** The owner's links, newest first; {@code tag} (when not null) keeps only those carrying it. */
    public PageOf<Link> list(long ownerId, int page, int size, String search, String tag) {
        return find(ownerId, page, size, search, tag == null ? null : Tags.one(tag, "tag"));
    }

    /** The owner's tags, alphabetically, with the number of links carrying each. */
    public List<TagCount> tags(long ownerId) {
        return QuarkusTransaction.requiringNew().call(() -> Link.getEntityManager()
                .createQuery("select t.tag, count(t) from LinkTag t join Link l on l.id = t.linkId where l.ownerId = :owner"
                        + " group by t.tag order by t.tag", Object[].class)
                .setParameter("owner", ownerId).getResultList().stream()
                .map(row -> new TagCount((String) row[0], ((Number) row[1]).longValue())).toList());
    }

    /**
     * Up to {@code size} of the owner's links with ids above {@code afterId}, in id order, tags filled in: an export
     * walks all of them a page at a time (keyset paging stays fast however far it goes).
     */
    public List<Link> after(long ownerId, long afterId, int size) {
        return QuarkusTransaction.requiringNew().call(() -> withTags(
                Link.<Link>find("ownerId = ?1 and id > ?2", Sort.ascending("id"), ownerId, afterId).page(0, size).list()));
    }

    /** Everyone's links (for the admin), newest first, optionally only those whose code or target contains the text. */
    public PageOf<Link> listAll(int page, int size, String search) {
        return find(null, page, size, search, null);
    }

    private PageOf<Link> find(Long ownerId, int page, int size, String search, String tag) {
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
            if (tag != null) {
                conditions.add("id in (select t.linkId from LinkTag t where t.tag = :tag)");
                parameters.and("tag", tag);
            }
            PanacheQuery<Link> query = conditions.isEmpty() ? Link.findAll(newestFirst)
                    : Link.find(String.join(" and ", conditions), newestFirst, parameters);
            List<Link> items = withTags(query.page(Page.of(page, size)).list());
            return new PageOf<>(items, page, size, query.count());
        });
    }

    public Link get(long ownerId, String code) {
        return QuarkusTransaction.requiringNew().call(() -> withTags(owned(ownerId, code)));
    }

    public Link update(long ownerId, String code, Change change) {
        change.url().ifPresent(this::requireValidUrl);
        change.expiresAt().ifPresent(this::requireFuture);
        Optional<List<String>> tags = change.tags().map(t -> Tags.normalise(t, "tags"));
        Optional<String> passwordHash = change.password().map(LinkService::hashPassword);
        Link updated = QuarkusTransaction.requiringNew().call(() -> {
            Link link = owned(ownerId, code);
            change.url().ifPresent(url -> link.targetUrl = url);
            change.expiresAt().ifPresent(at -> link.expiresAt = at);
            if (change.clearExpiry()) {
                link.expiresAt = null;
            }
            if (tags.isPresent()) {
                LinkTag.delete("linkId", link.id);
                saveTags(link.id, tags.get());
            }
            passwordHash.ifPresent(hash -> link.passwordHash = hash);
            if (change.clearPassword()) {
                link.passwordHash = null;
            }
            link.updatedAt = clock.instant();
            return withTags(link);
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
            // The embedded SQLite does not enforce the foreign keys' ON DELETE CASCADE: the rows go explicitly.
            for (String table : LINK_ROWS) {
                Panache.getEntityManager().createNativeQuery("DELETE FROM " + table + " WHERE link_id = ?1").setParameter(1, link.id).executeUpdate();
            }
            link.delete();
            return link;
        });
        changes.fire(new LinkChanged(code));
        return deleted;
    }

    /** Inserts a link unless its code is taken (checked first, and by the unique index against races). */
    private Optional<Link> insert(long ownerId, String url, String code, Instant expiresAt, List<String> tags, String passwordHash) {
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
                saveTags(link.id, tags);
                link.tags = tags;
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

    static void saveTags(long linkId, List<String> tags) {
        for (String tag : tags) {
            LinkTag row = new LinkTag();
            row.linkId = linkId;
            row.tag = tag;
            row.persist();
        }
    }

    /** Fills in the tags of these links with one query (inside the caller's transaction). */
    static List<Link> withTags(List<Link> links) {
        if (links.isEmpty()) {
            return links;
        }
        Map<Long, List<String>> byLink = new HashMap<>();
        LinkTag.<LinkTag>list("linkId in ?1 order by tag", links.stream().map(l -> l.id).toList())
                .forEach(t -> byLink.computeIfAbsent(t.linkId, id -> new ArrayList<>()).add(t.tag));
        links.forEach(l -> l.tags = List.copyOf(byLink.getOrDefault(l.id, List.of())));
        return links;
    }

    private static Link withTags(Link link) {
        withTags(List.of(link));
        return link;
    }

    private static Link owned(long ownerId, String code) {
        // Someone else's link is reported exactly like a missing one: codes of others are not disclosed.
        return Link.findByCode(code).filter(link -> link.ownerId == ownerId)
                .orElseThrow(() -> new LinkNotFound(code));
    }

    /** Why a target URL is refused (as on create), or null. */
    String urlProblem(String url) {
        return TargetUrls.problem(url, blockedDomains);
    }

    private void requireValidUrl(String url) {
        String problem = urlProblem(url);
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
