package dev.linkstack.app.links;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LinkTagsTest {

    @Test
    void tagsAreNormalisedSortedReplacedAndCleared() {
        Api.Client client = Api.newUser();
        String code = client.request().body(Map.of("url", "https://example.org/t", "tags", List.of("Work", "docs", "work", " a-b_c ")))
                .post("/api/links").then().statusCode(201).body("tags", equalTo(List.of("a-b_c", "docs", "work"))).extract().path("code");
        client.request().get("/api/links/" + code).then().statusCode(200).body("tags", equalTo(List.of("a-b_c", "docs", "work")));

        client.request().body(Map.of("tags", List.of("new", "docs"))).patch("/api/links/" + code)
                .then().statusCode(200).body("tags", equalTo(List.of("docs", "new")));
        // A patch without tags leaves them alone.
        client.request().body(Map.of("url", "https://example.org/t2")).patch("/api/links/" + code)
                .then().statusCode(200).body("tags", equalTo(List.of("docs", "new")));
        client.request().body(Map.of("tags", List.of())).patch("/api/links/" + code).then().statusCode(200).body("tags", empty());
        client.request().body(Map.of("tags", List.of("x"))).patch("/api/links/" + code).then().statusCode(200);
        Map<String, Object> nullTags = new HashMap<>();
        nullTags.put("tags", null);
        client.request().body(nullTags).patch("/api/links/" + code).then().statusCode(200).body("tags", empty());
        client.request().get("/api/links/" + code).then().body("tags", empty());

        String untagged = Api.createLink(client, "https://example.org/untagged");
        client.request().get("/api/links/" + untagged).then().body("tags", empty());
    }

    @Test
    void badTagsAreA400NamingTheField() {
        Api.Client client = Api.newUser();
        List<Object> tooMany = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
        for (Object tags : List.of(List.of("has space"), List.of(""), List.of("x".repeat(33)), List.of("ümlaut"), tooMany, "work")) {
            client.request().body(Map.of("url", "https://example.org/bad", "tags", tags)).post("/api/links")
                    .then().statusCode(400).body("error", equalTo("bad_request"));
        }
        client.request().body(Map.of("url", "https://example.org/bad", "tags", List.of("no/slash"))).post("/api/links")
                .then().statusCode(400).body("message", containsString("'tags'")).body("message", containsString("1-32"));
        String code = Api.createLink(client, "https://example.org/patch-tags");
        client.request().body(Map.of("tags", "work")).patch("/api/links/" + code).then().statusCode(400).body("message", containsString("tags"));
        client.request().body(Map.of("tags", List.of(Map.of()))).patch("/api/links/" + code).then().statusCode(400);
        client.request().body(Map.of("tags", tooMany)).patch("/api/links/" + code).then().statusCode(400).body("message", containsString("10"));
        client.request().queryParam("tag", "not ok").get("/api/links").then().statusCode(400).body("message", containsString("'tag'"));
        client.request().get("/api/links/" + code).then().body("tags", empty());
    }

    @Test
    void listFiltersByTagWithSearchAndPagingAndTagsAreCounted() {
        Api.Client client = Api.newUser();
        Api.Client other = Api.newUser();
        other.request().body(Map.of("url", "https://example.org/other", "tags", List.of("work"))).post("/api/links").then().statusCode(201);
        for (int i = 0; i < 5; i++) {
            List<String> tags = i % 2 == 0 ? List.of("work", "even") : List.of("work");
            client.request().body(Map.of("url", "https://example.org/item-" + i, "tags", tags)).post("/api/links").then().statusCode(201);
        }
        Api.createLink(client, "https://example.org/item-untagged");

        client.request().queryParam("tag", "work").get("/api/links").then().statusCode(200).body("total", equalTo(5));
        client.request().queryParam("tag", "EVEN").get("/api/links").then().statusCode(200).body("total", equalTo(3))
                .body("items.url", equalTo(List.of("https://example.org/item-4", "https://example.org/item-2", "https://example.org/item-0")));
        client.request().queryParam("tag", "even").queryParam("size", 2).queryParam("page", 1).get("/api/links").then().statusCode(200)
                .body("total", equalTo(3)).body("items", hasSize(1)).body("items[0].url", equalTo("https://example.org/item-0"));
        client.request().queryParam("tag", "work").queryParam("q", "item-3").get("/api/links").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].tags", equalTo(List.of("work")));
        client.request().queryParam("tag", "nothing").get("/api/links").then().statusCode(200).body("total", equalTo(0));
        client.request().get("/api/links").then().body("total", equalTo(6));

        client.request().get("/api/tags").then().statusCode(200)
                .body("tag", equalTo(List.of("even", "work"))).body("links", equalTo(List.of(3, 5)));
        Api.newUser().request().get("/api/tags").then().statusCode(200).body("$", empty());
    }

    @Test
    void deletingALinkDropsItsTags() {
        Api.Client client = Api.newUser();
        String code = client.request().body(Map.of("url", "https://example.org/gone", "tags", List.of("gone")))
                .post("/api/links").then().statusCode(201).extract().path("code");
        client.request().get("/api/tags").then().body("tag", containsInAnyOrder("gone"));
        client.request().delete("/api/links/" + code).then().statusCode(204);
        client.request().get("/api/tags").then().statusCode(200).body("$", empty());
    }
}
