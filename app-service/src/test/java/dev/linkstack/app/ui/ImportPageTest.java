package dev.linkstack.app.ui;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The dashboard's import form (multipart upload, dry-run checkbox) and its report; the export links beside it. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ImportPageTest {

    @Test
    void aDryRunThenAnImportFromTheDashboard() {
        Api.Client client = Api.newUser();
        String code = "page-import-" + System.nanoTime();
        String csv = "keyword,url,title,timestamp,ip,clicks\n" + code + ",https://example.org/from-page,T,2024-01-01 00:00:00,127.0.0.1,1\n"
                + "bad-row,notaurl,T,2024-01-01 00:00:00,127.0.0.1,1\n";
        Forms.Csrf csrf = Forms.csrf("/dashboard", client.sessionCookie());
        RestAssured.given().cookie("linkstack_session", client.sessionCookie()).get("/dashboard").then().statusCode(200)
                .body(containsString("/api/links/export?format=csv")).body(containsString("action=\"/dashboard/import\""));

        upload(csrf, csv, true).then().statusCode(200).body(containsString("Dry run: nothing was written"))
                .body(containsString("<span id=\"import-created\">1</span>")).body(containsString("<td>bad-row</td>"));
        client.request().get("/api/links/" + code).then().statusCode(404);

        upload(csrf, csv, false).then().statusCode(200).body(containsString("Import done")).body(containsString("yourls"));
        client.request().get("/api/links/" + code).then().statusCode(200).body("url", equalTo("https://example.org/from-page"));

        upload(csrf, "nothing,known\n1,2\n", false).then().statusCode(400).body(containsString("no known format"));
        // Without the form's CSRF token the upload is refused.
        RestAssured.given().cookie("linkstack_session", client.sessionCookie()).cookie("linkstack_csrf", csrf.cookie())
                .multiPart("file", "links.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/dashboard/import").then().statusCode(400);
    }

    private static Response upload(Forms.Csrf csrf, String csv, boolean dryRun) {
        var request = RestAssured.given().redirects().follow(false).cookie("linkstack_session", csrf.sessionCookie())
                .cookie("linkstack_csrf", csrf.cookie()).multiPart("csrf-token", csrf.token())
                .multiPart("file", "links.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
        if (dryRun) {
            request = request.multiPart("dryRun", "true");
        }
        return request.post("/dashboard/import");
    }
}
