package dev.linkstack.app.stats;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.TokenScope;
import dev.linkstack.app.errors.InvalidInput;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;

/** One link's statistics, as JSON or as CSV (a path of its own, so that the links package needs no statistics). */
@Path("/api/links/{code}/stats")
@Authenticated
@RequiresScope(TokenScope.READ)
@Tag(name = "statistics", description = "Visits of the user's links")
public class LinkStatsResource {
    private final VisitStatistics statistics;
    private final CurrentUser currentUser;
    private final Clock clock;

    LinkStatsResource(VisitStatistics statistics, CurrentUser currentUser, Clock clock) {
        this.statistics = statistics;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "A link's statistics over a range of UTC days",
            description = "Clicks (people's visits), bot visits and unique visitors per day, and the top referrers, countries,"
                    + " devices, browsers, operating systems and bot families. The range is the last 'days' (default 30), or"
                    + " 'from'..'to' (ISO dates, at most 366 days). 'countries' is absent unless a country database is configured."
                    + " format=csv gives every figure of the range as CSV instead, one a row: day,metric,value,count.")
    @APIResponse(responseCode = "200", description = "The statistics", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VisitStatistics.LinkStats.class)),
            @Content(mediaType = "text/csv")})
    public Response stats(@PathParam("code") String code, @QueryParam("days") String days, @QueryParam("from") String from,
                          @QueryParam("to") String to, @QueryParam("top") String top, @QueryParam("format") String format) {
        StatsRange range = StatsRange.of(days, from, to, clock);
        if (format == null || format.isBlank() || "json".equals(format)) {
            return Response.ok(statistics.ofLink(currentUser.id(), code, range, StatsRange.top(top)), MediaType.APPLICATION_JSON).build();
        }
        if (!"csv".equals(format)) {
            throw new InvalidInput("format", "Query parameter 'format' must be json or csv");
        }
        return Response.ok(statistics.csv(currentUser.id(), code, range), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + code + "-" + range.from() + "-" + range.to() + ".csv\"").build();
    }
}
