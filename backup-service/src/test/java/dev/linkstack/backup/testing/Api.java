package dev.linkstack.backup.testing;

import dev.linkstack.testing.Processes;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

/** The REST API as a test client sees it. */
public final class Api {
    public static final String TOKEN = "test-token";

    private Api() {
    }

    public static RequestSpecification authorized() {
        return RestAssured.given().header("Authorization", "Bearer " + TOKEN);
    }

    /** Triggers a backup and returns its job id; fails the test unless the API accepted it. */
    public static String trigger(String body) {
        RequestSpecification request = authorized();
        if (body != null) {
            request = request.contentType("application/json").body(body);
        }
        Response response = request.post("/api/backups");
        if (response.statusCode() != 202) {
            fail("trigger answered " + response.statusCode() + ": " + response.asString());
        }
        return response.jsonPath().getString("id");
    }

    /** Polls the job until it is no longer running and returns its final JSON. */
    public static Response awaitJob(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = authorized().get("/api/backups/jobs/" + jobId);
            if (response.statusCode() != 200) {
                fail("job status answered " + response.statusCode() + ": " + response.asString());
            }
            if (!"RUNNING".equals(response.jsonPath().getString("state"))) {
                return response;
            }
            Processes.sleep(100);
        }
        throw new AssertionError("job " + jobId + " still running after 120s");
    }

    /** Runs a backup to completion and returns the new backup's id; fails unless it succeeded. */
    public static String backup(String body) {
        Response job = awaitJob(trigger(body));
        if (!"SUCCEEDED".equals(job.jsonPath().getString("state"))) {
            fail("backup failed: " + job.asString());
        }
        return job.jsonPath().getString("backupId");
    }

    /** Ids of the backups the API lists now. */
    public static java.util.List<String> listedIds() {
        return authorized().get("/api/backups").then().statusCode(200).extract().jsonPath().getList("id");
    }

    /** The backup_failures_total counter as /q/metrics shows it. */
    public static double failureCount() {
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        return metrics.lines().filter(line -> line.startsWith("backup_failures_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    /** The backups page (/ui) as a user signed in with the API token sees it. */
    public static String signedInPage() {
        String session = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", TOKEN).post("/ui/login").then().statusCode(303).extract().cookie("backup_session");
        return RestAssured.given().cookie("backup_session", session).get("/ui").then().statusCode(200).extract().asString();
    }
}
