package dev.linkstack.app.health;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ObservabilityTest {

    @Test
    void probesReportEachDependency() {
        RestAssured.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "Redis connection health check"));
    }

    @Test
    void metricsCoverRedirectsCacheAndClickFlushing() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/metrics");
        Api.redirect(code).then().statusCode(302);
        Api.redirect(code).then().statusCode(302);
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("linkstack_redirects_total{outcome=\"redirected\"}"))
                .body(containsString("linkstack_redirect_cache_total{result=\"hit\",tier=\"near\"}"))
                .body(containsString("linkstack_redirect_cache_total{result=\"miss\",tier=\"all\"}"))
                .body(containsString("linkstack_clicks_flush_lag_seconds"))
                .body(containsString("linkstack_clicks_buffered"))
                .body(containsString("linkstack_clicks_pending "))
                .body(containsString("linkstack_clicks_pending_links "))
                .body(containsString("linkstack_clicks_dropped_total "));
    }

    @Test
    void openApiDescribesTheApi() {
        RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/links")).body(containsString("/api/auth/login")).body(containsString("/api/tokens"));
    }
}
