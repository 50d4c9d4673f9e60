package dev.linkstack.app.links;

import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.errors.UniqueViolation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Many links at once (an import): each row checked as on create, codes kept where free, the valid rows of a batch
 * written in one transaction. A dry run checks the same and writes nothing.
 */
@ApplicationScoped
public class BulkInsert {

    /** A link to add; {@code code} null for a generated one, {@code createdAt} null for now. */
    public record NewLink(int row, String code, String url, Instant createdAt, Instant expiresAt, List<String> tags) {
    }

    /** A row not added, and why: {@code status} is "invalid", "taken" or "duplicate" (earlier in the same import). */
    public record Skipped(int row, String code, String status, String reason) {
    }

    private final LinkService links;
    private final ShortCodes codes;
    private final Event<LinkChanged> changes;
    private final Clock clock;

    BulkInsert(LinkService links, ShortCodes codes, Event<LinkChanged> changes, Clock clock) {
        this.links = links;
        this.codes = codes;
        this.changes = changes;
        this.clock = clock;
    }

    /**
     * Adds the rows of one batch and returns those skipped. {@code seen}: the codes of earlier rows of the same import
     * (kept by the caller), so that a file naming a code twice keeps the first.
     */
    public List<Skipped> insert(long ownerId, List<NewLink> batch, boolean dryRun, Set<String> seen) {
        List<Skipped> skipped = new ArrayList<>();
        List<NewLink> valid = new ArrayList<>();
        for (NewLink row : batch) {
            String problem = problem(row);
            if (problem != null) {
                skipped.add(new Skipped(row.row(), row.code(), "invalid", problem));
            } else if (row.code() != null && !seen.add(row.code())) {
                skipped.add(new Skipped(row.row(), row.code(), "duplicate", "Code '" + row.code() + "' appears on an earlier row"));
            } else {
                valid.add(row);
            }
        }
        Set<String> taken = taken(valid);
        List<NewLink> free = new ArrayList<>();
        for (NewLink row : valid) {
            if (row.code() != null && taken.contains(row.code())) {
                skipped.add(new Skipped(row.row(), row.code(), "taken", "Code '" + row.code() + "' is taken"));
            } else {
                free.add(row);
            }
        }
        if (!dryRun) {
            write(ownerId, free, skipped);
        }
        return skipped;
    }

    private String problem(NewLink row) {
        String problem = links.urlProblem(row.url());
        if (problem == null && row.code() != null) {
            problem = codes.problem(row.code());
        }
        return problem;
    }

    private static Set<String> taken(List<NewLink> rows) {
        List<String> named = rows.stream().map(NewLink::code).filter(java.util.Objects::nonNull).toList();
        if (named.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(QuarkusTransaction.requiringNew().call(() -> Link.getEntityManager()
                .createQuery("select l.code from Link l where l.code in :codes", String.class)
                .setParameter("codes", named).getResultList()));
    }

    private void write(long ownerId, List<NewLink> rows, List<Skipped> skipped) {
        List<NewLink> named = rows.stream().filter(r -> r.code() != null).toList();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                Instant now = clock.instant();
                for (NewLink row : named) {
                    Link link = new Link();
                    link.code = row.code();
                    link.targetUrl = row.url();
                    link.ownerId = ownerId;
                    link.createdAt = row.createdAt() == null ? now : row.createdAt();
                    link.updatedAt = now;
                    link.expiresAt = row.expiresAt();
                    // Identity ids: the row is inserted at once, so the id is there for the tags.
                    link.persist();
                    LinkService.saveTags(link.id, row.tags());
                }
            });
            // A redirect may have cached one of these codes as missing a moment ago.
            named.forEach(row -> changes.fire(new LinkChanged(row.code())));
        } catch (RuntimeException e) {
            if (!UniqueViolation.isCausedBy(e)) {
                throw e;
            }
            // Someone took one of the codes since the check: add the rows one by one, each taking its chance.
            named.forEach(row -> createOne(ownerId, row, skipped));
        }
        rows.stream().filter(r -> r.code() == null).forEach(row -> createOne(ownerId, row, skipped));
    }

    private void createOne(long ownerId, NewLink row, List<Skipped> skipped) {
        try {
            links.create(ownerId, row.url(), row.code(), null, row.tags());
        } catch (CodeTaken e) {
            skipped.add(new Skipped(row.row(), row.code(), "taken", e.getMessage()));
        } catch (DomainError e) {
            skipped.add(new Skipped(row.row(), row.code(), "invalid", e.getMessage()));
        }
    }
}
