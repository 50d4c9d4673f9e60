package dev.linkstack.app.redirect;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A HEAD request and a browser's prefetch are not visits: neither adds a click, on either layer that answers
 * redirects (the first request of a code goes through the REST resource, the next ones are answered from the
 * in-process cache on the router). Before: 10 HEAD requests added 10 clicks.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class OnlyVisitsCountTest {
    /** What browsers send on a speculative fetch: the standard header and the older ones. */
    private static final List<Map.Entry<String, String>> PREFETCH_HEADERS = List.of(
            Map.entry("Sec-Purpose", "prefetch"), Map.entry("Sec-Purpose", "prefetch;prerender"),
            Map.entry("Purpose", "prefetch"), Map.entry("X-Purpose", "preview"), Map.entry("X-Moz", "prefetch"));

    @Inject
    ClickRelay relay;

    @Test
    void headRequestsAreAnsweredLikeAGetAndNotCounted() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/asked-about");
        double heads = Api.redirectOutcomes("head");
        for (int i = 0; i < 10; i++) {
            request().head("/" + code).then().statusCode(302).header("Location", equalTo("https://example.org/asked-about"))
                    .header("Cache-Control", equalTo("private, max-age=0"));
        }
        request().get("/" + code).then().statusCode(302);
        relay.flush();
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(1));
        assertEquals(heads + 10, Api.redirectOutcomes("head"), "each HEAD recorded as such");
    }

    @Test
    void prefetchesAreRefusedSoThatOnlyTheVisitItselfCounts() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/maybe-later");
        double refused = Api.redirectOutcomes("prefetch_refused");
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, String> header : PREFETCH_HEADERS) {
                request().header(header.getKey(), header.getValue()).get("/" + code).then().statusCode(403)
                        .header("Location", emptyOrNullString()).header("Cache-Control", equalTo("no-store"))
                        .body("error", equalTo("prefetch_refused"));
            }
        }
        request().header("Sec-Fetch-Mode", "navigate").get("/" + code).then().statusCode(302);
        request().get("/" + code).then().statusCode(302);
        relay.flush();
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(2));
        assertEquals(refused + 2 * PREFETCH_HEADERS.size(), Api.redirectOutcomes("prefetch_refused"));
    }

    @Test
    void anUnknownCodeAnswersAPrefetchOrHeadAsItAnswersAVisit() {
        request().head("/no-such-code-here").then().statusCode(404);
        request().header("Sec-Purpose", "prefetch").get("/no-such-code-here").then().statusCode(404).body("error", equalTo("not_found"));
    }

    private static RequestSpecification request() {
        return RestAssured.given().redirects().follow(false);
    }
}
