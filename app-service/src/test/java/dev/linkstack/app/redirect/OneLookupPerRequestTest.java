package dev.linkstack.app.redirect;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The router hands what it found to the resource: a request the router does not answer is not looked up again. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class OneLookupPerRequestTest {
    @Inject
    MeterRegistry registry;

    @Test
    void aCodeCachedAsMissingIsLookedUpOnce() {
        String code = "nobody-" + System.nanoTime();
        Api.redirect(code).then().statusCode(404); // looked up in every tier, remembered as missing
        double nearHits = nearHits();
        double databaseLookups = registry.get("linkstack.redirect.database.lookups").counter().count();

        Api.redirect(code).then().statusCode(404).body("error", equalTo("not_found"));
        assertEquals(nearHits + 1, nearHits(), "one in-process lookup, by the router");
        assertEquals(databaseLookups, registry.get("linkstack.redirect.database.lookups").counter().count());
    }

    private double nearHits() {
        return registry.get("linkstack.redirect.cache").tags("result", "hit", "tier", "near").functionCounter().count();
    }
}
