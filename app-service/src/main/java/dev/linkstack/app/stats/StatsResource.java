package dev.linkstack.app.stats;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.TokenScope;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;

/** The signed-in user's links taken together (a link's own statistics are under /api/links/{code}/stats). */
@Path("/api/stats")
@Authenticated
@RequiresScope(TokenScope.READ)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "statistics", description = "Visits of all the user's links")
public class StatsResource {
    private final VisitStatistics statistics;
    private final CurrentUser currentUser;
    private final Clock clock;

    StatsResource(VisitStatistics statistics, CurrentUser currentUser, Clock clock) {
        this.statistics = statistics;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Account overview", description = "Clicks, bot visits and unique visitors per day over all the user's links,"
            + " and the links with the most clicks in the range (the last 'days', default 30, or 'from'..'to').")
    public VisitStatistics.Overview overview(@QueryParam("days") String days, @QueryParam("from") String from, @QueryParam("to") String to,
                                             @QueryParam("top") String top) {
        return statistics.ofAccount(currentUser.id(), StatsRange.of(days, from, to, clock), StatsRange.top(top));
    }
}
