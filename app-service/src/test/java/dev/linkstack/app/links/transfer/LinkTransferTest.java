package dev.linkstack.app.links.transfer;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LinkTransferTest {

    @Test
    void exportedLinksImportIntoAnotherAccountAsTheyWere() {
        Api.Client alice = Api.newUser();
        String p = "rt" + System.nanoTime();
        String expiry = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        alice.request().body(Map.of("url", "https://example.org/a?x=1,2&y=3", "code", p + "-a", "tags", List.of("work", "docs"),
                "expiresAt", expiry)).post("/api/links").then().statusCode(201);
        alice.request().body(Map.of("url", "https://example.org/b", "code", p + "-b")).post("/api/links").then().statusCode(201);
        String generated = Api.createLink(alice, "https://example.org/c");

        Response csv = alice.request().queryParam("format", "csv").get("/api/links/export");
        csv.then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("linkstack-links.csv"));
        List<String> lines = csv.asString().lines().toList();
        assertEquals("code,short_url,url,created_at,expires_at,tags,clicks", lines.get(0));
        assertEquals(4, lines.size(), csv.asString());
        assertTrue(lines.get(1).contains(",\"https://example.org/a?x=1,2&y=3\","), lines.get(1));
        assertTrue(lines.get(1).contains(",docs work,0"), lines.get(1));
        List<Map<String, Object>> aliceJson = alice.request().queryParam("format", "json").get("/api/links/export")
                .then().statusCode(200).contentType(startsWith("application/json")).extract().jsonPath().getList("$");
        assertEquals(3, aliceJson.size());
        assertEquals(List.of("docs", "work"), aliceJson.get(0).get("tags"));
        assertEquals(expiry, aliceJson.get(0).get("expiresAt"));

        // Codes are global: Alice leaves, her file moves to Bob.
        for (String code : List.of(p + "-a", p + "-b", generated)) {
            alice.request().delete("/api/links/" + code).then().statusCode(204);
        }
        Api.Client bob = Api.newUser();
        importCsv(bob, csv.asString(), false).then().statusCode(200)
                .body("format", equalTo("linkstack")).body("created", equalTo(3)).body("skipped", equalTo(0)).body("skippedRows", empty());
        List<Map<String, Object>> bobJson = bob.request().queryParam("format", "json").get("/api/links/export")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(aliceJson, bobJson);
        bob.request().queryParam("tag", "work").get("/api/links").then().body("total", equalTo(1)).body("items[0].code", equalTo(p + "-a"));
    }

    @Test
    void exportsOfShlinkYourlsBitlyAndKuttAreRecognised() {
        Api.Client client = Api.newUser();
        String p = "fx" + System.nanoTime();
        importCsv(client, fixture("shlink", p), false).then().statusCode(200).body("format", equalTo("shlink")).body("created", equalTo(2));
        importCsv(client, fixture("yourls", p), false).then().statusCode(200).body("format", equalTo("yourls")).body("created", equalTo(2));
        importCsv(client, fixture("bitly", p), false).then().statusCode(200).body("format", equalTo("bitly")).body("created", equalTo(2));
        importCsv(client, fixture("kutt", p), false).then().statusCode(200).body("format", equalTo("kutt")).body("created", equalTo(2));

        client.request().get("/api/links/" + p + "-sh1").then().statusCode(200).body("url", equalTo("https://shlink.io/documentation/"))
                .body("tags", equalTo(List.of("docs", "shlink"))).body("createdAt", equalTo("2024-03-01T10:15:00Z")).body("clicks", equalTo(0));
        client.request().get("/api/links/" + p + "-sh2").then().statusCode(200).body("url", equalTo("https://example.org/shlink?a=1&b=2"));
        client.request().get("/api/links/" + p + "-yo2").then().statusCode(200).body("url", equalTo("https://example.org/yourls/page"))
                .body("createdAt", equalTo("2023-11-06T09:00:00Z"));
        client.request().get("/api/links/" + p + "-bi1").then().statusCode(200).body("url", equalTo("https://example.org/from-bitly"))
                .body("tags", equalTo(List.of("marketing")));
        // Bitly: the custom back-half is the code, not the random bitlink.
        client.request().get("/api/links/" + p + "-bi2").then().statusCode(200).body("url", equalTo("https://example.org/custom-back-half"));
        client.request().get("/api/links/" + p + "-ku1").then().statusCode(200).body("url", equalTo("https://github.com/thedevs-network/kutt"));
        client.request().get("/api/links").then().body("total", equalTo(8));
        Api.redirect(p + "-ku2").then().statusCode(302).header("Location", equalTo("https://example.org/kutt"));
    }

    @Test
    void aDryRunWritesNothingAndReportsTakenInvalidAndRepeatedCodes() {
        Api.Client owner = Api.newUser();
        String p = "dr" + System.nanoTime();
        owner.request().body(Map.of("url", "https://example.org/mine", "code", p + "-taken")).post("/api/links").then().statusCode(201);
        Api.Client client = Api.newUser();
        String csv = "code,url,tags\n"
                + p + "-taken,https://example.org/1,\n"
                + p + "-new,https://example.org/2,a b\n"
                + p + "-bad,ftp://example.org/3,\n"
                + p + "-new,https://example.org/4,\n"
                + ",https://example.org/generated,\n"
                + p + "-tags,https://example.org/6,bad/tag\n"
                + "x,https://example.org/7,\n";
        Response dry = importCsv(client, csv, true);
        dry.then().statusCode(200).body("dryRun", equalTo(true)).body("rows", equalTo(7)).body("created", equalTo(2)).body("skipped", equalTo(5))
                .body("skippedRows.row", equalTo(List.of(1, 3, 4, 6, 7)))
                .body("skippedRows.status", equalTo(List.of("taken", "invalid", "duplicate", "invalid", "invalid")))
                .body("skippedRows[0].code", equalTo(p + "-taken")).body("skippedRows[0].reason", containsString("taken"))
                .body("skippedRows[1].reason", containsString("http://")).body("skippedRows[3].reason", containsString("tag"))
                .body("skippedRows[4].reason", containsString("3-64"));
        client.request().get("/api/links").then().body("total", equalTo(0));
        client.request().get("/api/links/" + p + "-new").then().statusCode(404);

        importCsv(client, csv, false).then().statusCode(200).body("dryRun", equalTo(false)).body("created", equalTo(2))
                .body("skippedRows.row", equalTo(List.of(1, 3, 4, 6, 7)));
        client.request().get("/api/links/" + p + "-new").then().statusCode(200).body("url", equalTo("https://example.org/2"))
                .body("tags", equalTo(List.of("a", "b")));
        client.request().queryParam("q", "generated").get("/api/links").then().body("total", equalTo(1));
        owner.request().get("/api/links/" + p + "-taken").then().body("url", equalTo("https://example.org/mine"));
    }

    @Test
    void twentyThousandRowsStreamIn() {
        Api.Client client = Api.newUser();
        String p = "bulk" + System.nanoTime();
        int rows = 20_000;
        long started = System.nanoTime();
        // Longer than the default 30 s read timeout: a loaded test machine writes 20,000 links (and their tags) slowly.
        Response response = client.request().config(RestAssured.config().httpClient(
                        io.restassured.config.HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 300_000)))
                .contentType("text/csv").body(generated("code,url,tags\n", rows,
                        i -> p + "-" + i + ",https://example.org/bulk/" + i + "," + (i % 2 == 0 ? "even" : "odd") + "\n"))
                .post("/api/links/import");
        response.then().statusCode(200).body("created", equalTo(rows)).body("skipped", equalTo(0));
        System.out.printf("imported %d rows in %d ms%n", rows, (System.nanoTime() - started) / 1_000_000);
        client.request().get("/api/links").then().body("total", equalTo(rows));
        client.request().get("/api/tags").then().body("links", equalTo(List.of(rows / 2, rows / 2)));
        client.request().get("/api/links/" + p + "-19999").then().statusCode(200).body("tags", equalTo(List.of("odd")));
        String export = client.request().get("/api/links/export").asString();
        assertEquals(rows + 1, export.lines().count());
    }

    @Test
    void badFilesAreJson4xx() {
        Api.Client client = Api.newUser();
        importCsv(client, "code,url\nabc-1,\"https://example.org/unterminated\n", false).then().statusCode(400)
                .body("error", equalTo("bad_request")).body("message", containsString("Malformed CSV"));
        importCsv(client, "name,address\nx,y\n", false).then().statusCode(400).body("message", containsString("no known format"));
        importCsv(client, "", false).then().statusCode(400).body("error", equalTo("bad_request"));
        importCsv(client, "\u0000\u0001\u00ff\"\"\",,\n\"", false).then().statusCode(400);
        client.request().contentType("text/csv").body("url\n").queryParam("dryRun", "maybe").post("/api/links/import")
                .then().statusCode(400).body("message", containsString("dryRun"));
        client.request().contentType("application/json").body("{}").post("/api/links/import").then().statusCode(400)
                .body("message", containsString("no known format"));
        client.request().queryParam("format", "xml").get("/api/links/export").then().statusCode(400).body("message", containsString("format"));
        RestAssured.given().contentType("text/csv").body("url\n").post("/api/links/import").then().statusCode(401);
        // Over the import limit without a Content-Length: refused as it is read, with a JSON 413 (rows of 330 bytes, so
        // the 10 MB come before the row limit).
        client.request().contentType("text/csv").body(generated("code,url\n", 40_000, i -> "big-" + i + ",ftp://example.org/" + "x".repeat(300) + "\n"))
                .post("/api/links/import").then().statusCode(413).body("error", equalTo("payload_too_large"))
                .body("message", containsString("Nothing was imported"));
        importCsv(client, "url\nhttps://example.org/still-fine\n", false).then().statusCode(200).body("created", equalTo(1));
    }

    @Test
    void importNeedsACreateTokenAndExportARead() {
        Api.Client client = Api.newUser();
        String read = client.request().body(Map.of("name", "r", "scope", "read")).post("/api/tokens").then().statusCode(201).extract().path("token");
        String create = client.request().body(Map.of("name", "c", "scope", "create")).post("/api/tokens").then().statusCode(201).extract().path("token");
        RestAssured.given().header("Authorization", "Bearer " + read).get("/api/links/export").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + read).contentType("text/csv").body("url\nhttps://example.org/r\n")
                .post("/api/links/import").then().statusCode(403).body("error", equalTo("insufficient_scope"));
        RestAssured.given().header("Authorization", "Bearer " + create).contentType("text/csv").body("url\nhttps://example.org/c\n")
                .post("/api/links/import").then().statusCode(200).body("created", equalTo(1));
        client.request().get("/api/links").then().body("items", hasSize(1));
    }

    static Response importCsv(Api.Client client, String csv, boolean dryRun) {
        return client.request().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8)).queryParam("dryRun", dryRun)
                .post("/api/links/import");
    }

    static String fixture(String name, String prefix) {
        try (InputStream in = LinkTransferTest.class.getResourceAsStream("/import/" + name + ".csv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{p}", prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CSV made row by row as it is sent: the test holds no more of it than the app should. */
    static InputStream generated(String header, int rows, java.util.function.IntFunction<String> row) {
        return new InputStream() {
            private byte[] chunk = header.getBytes(StandardCharsets.UTF_8);
            private int at;
            private int next;

            @Override
            public int read() {
                while (at == chunk.length) {
                    if (next == rows) {
                        return -1;
                    }
                    chunk = row.apply(next++).getBytes(StandardCharsets.UTF_8);
                    at = 0;
                }
                return chunk[at++] & 0xff;
            }
        };
    }
}
