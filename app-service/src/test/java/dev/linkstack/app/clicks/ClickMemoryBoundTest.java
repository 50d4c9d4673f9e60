package dev.linkstack.app.clicks;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Redis not answering (its process paused, as in a network partition: connections stay open, commands time out,
 * so the in-process cache keeps answering redirects) and PostgreSQL stopped: clicks wait in memory for at most the bound's number of links, further links'
 * clicks are dropped and counted, every redirect is still a 302, and once the stores are back exactly the clicks
 * held are written.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(ClickMemoryBoundTest.FewPendingLinks.class)
class ClickMemoryBoundTest {
    static final int BOUND = 5;
    static final int LINKS = 12;
    static final int ROUNDS = 3;

    public static class FewPendingLinks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.clicks.max-pending-links", String.valueOf(BOUND));
        }
    }

    @Inject
    ClickRelay relay;

    @Inject
    MeterRegistry registry;

    @Test
    void whileBothStoresAreDownMemoryHoldsTheBoundAndTheRestIsDroppedAndCounted() throws InterruptedException {
        Api.Client client = Api.newUser();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            codes.add(Api.createLink(client, "https://example.org/bound/" + i));
        }
        for (String code : codes) {
            Api.redirect(code).then().statusCode(302); // fills the in-process cache, which answers during the outage
        }
        relay.flush();
        long[] before = clicks(client, codes);
        double droppedBefore = dropped();

        long redirects = 0;
        RealServers.redis().pause();
        RealServers.postgres().stop();
        try {
            // Three links counted, then a push neither store takes: it keeps their three places.
            for (String code : codes.subList(0, 3)) {
                Api.redirect(code).then().statusCode(302);
                redirects++;
            }
            assertThrows(RuntimeException.class, relay::flush);
            // Each round: every link once, then another push that fails. Links 0 and 1 take the two places left.
            for (int round = 0; round < ROUNDS; round++) {
                for (String code : codes) {
                    Api.redirect(code).then().statusCode(302);
                    redirects++;
                }
                assertThrows(RuntimeException.class, relay::flush);
            }
            long held = 3 + 2L * ROUNDS;
            assertEquals(BOUND, gauge("linkstack.clicks.pending.links"), "links held in memory: at the bound");
            assertEquals(held, gauge("linkstack.clicks.pending"), "clicks held in memory");
            assertEquals(redirects - held, dropped() - droppedBefore, "every other click dropped, and counted");
            ReliabilityReport.record("Redis paused and PostgreSQL stopped: clicks held in memory (bound " + BOUND + " links)",
                    redirects + " redirects over " + LINKS + " links, " + (ROUNDS + 1) + " failed pushes",
                    "0 (every redirect 302)", String.format("%d clicks dropped and counted, %d held (%d links), then written",
                            (long) (dropped() - droppedBefore), held, (long) gauge("linkstack.clicks.pending.links")));
        } finally {
            RealServers.redis().resume();
            RealServers.postgres().start();
        }
        awaitReady();
        relay.flush();

        long[] after = clicks(client, codes);
        for (int i = 0; i < LINKS; i++) {
            long expected = i < 2 ? 1 + ROUNDS : i == 2 ? 1 : 0;
            assertEquals(expected, after[i] - before[i], "clicks written for link " + i);
        }
        assertEquals(0, gauge("linkstack.clicks.pending.links"), "every place given back");
        assertEquals(0, gauge("linkstack.clicks.pending"));
    }

    private long[] clicks(Api.Client client, List<String> codes) {
        long[] clicks = new long[codes.size()];
        for (int i = 0; i < codes.size(); i++) {
            clicks[i] = client.request().get("/api/links/" + codes.get(i)).then().statusCode(200).extract().<Number>path("clicks").longValue();
        }
        return clicks;
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double dropped() {
        return registry.get("linkstack.clicks.dropped").counter().count();
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && RestAssured.given().get("/q/health/ready").statusCode() != 200) {
            Thread.sleep(200);
        }
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }
}
