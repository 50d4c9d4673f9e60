package dev.linkstack.app.links;

import dev.linkstack.app.auth.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the admin does to anyone's links, for the API and the admin pages alike; each action is one log line naming
 * the admin, the action, the link and its owner.
 */
@ApplicationScoped
public class LinkAdmin {
    private static final Logger LOG = Logger.getLogger(LinkAdmin.class);

    /** A link as the admin sees it: with the name of its owner. */
    public record Owned(Link link, String owner) {
    }

    private final LinkService links;

    LinkAdmin(LinkService links) {
        this.links = links;
    }

    /** Everyone's links whose code or target contains the text (all when blank), newest first. */
    public LinkService.PageOf<Owned> find(String search, int page, int size) {
        LinkService.PageOf<Link> found = links.listAll(page, size, search);
        Map<Long, String> owners = ownerNames(found.items());
        List<Owned> items = found.items().stream().map(link -> new Owned(link, owners.getOrDefault(link.ownerId, "?"))).toList();
        return new LinkService.PageOf<>(items, found.page(), found.size(), found.total());
    }

    /** Anyone's link by its code. */
    public Owned get(String code) {
        Link link = QuarkusTransaction.requiringNew().call(() -> Link.findByCode(code).orElseThrow(() -> new LinkNotFound(code)));
        return new Owned(link, ownerNames(List.of(link)).getOrDefault(link.ownerId, "?"));
    }

    /** Deletes anyone's link and its statistics; its redirect answers 404 from the next request on. */
    public Link delete(String admin, String code) {
        Link deleted = links.deleteAny(code);
        LOG.infof("admin %s: deleted link %s of user %d", admin, deleted.code, deleted.ownerId);
        return deleted;
    }

    /** Blocks or unblocks anyone's link: it stays its owner's; while blocked its redirect answers 410. */
    public Link setBlocked(String admin, String code, boolean blocked) {
        Link changed = links.setBlocked(code, blocked);
        LOG.infof("admin %s: %s link %s of user %d", admin, blocked ? "blocked" : "unblocked", changed.code, changed.ownerId);
        return changed;
    }

    private static Map<Long, String> ownerNames(List<Link> found) {
        List<Long> ids = found.stream().map(link -> link.ownerId).distinct().toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> User.<User>list("id in ?1", ids).stream()
                .collect(Collectors.toMap(user -> user.id, user -> user.username)));
    }
}
