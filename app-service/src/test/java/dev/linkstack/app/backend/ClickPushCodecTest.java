package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.ClickKey;
import dev.linkstack.app.clicks.Push;
import dev.linkstack.app.clicks.VisitCounts;
import dev.linkstack.app.visits.ClassifiedVisit;
import dev.linkstack.app.visits.Dimension;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A push survives Redis: what one instance encodes, another decodes and merges to the same counts; earlier formats still read. */
class ClickPushCodecTest {
    private static final ClickKey FIRST = new ClickKey(7, 20_400);
    private static final ClickKey SECOND = new ClickKey(8, 20_401);

    @Test
    void everyDimensionAndTheVisitorsSurviveEncodeAndDecode() {
        Map<ClickKey, VisitCounts> push = new HashMap<>();
        VisitCounts first = new VisitCounts();
        first.add(new ClassifiedVisit(null, "news.example.com", "DE", "phone", "Mobile Safari", "iOS", 11L));
        first.add(new ClassifiedVisit(null, "direct", null, "desktop", "Chrome", "Windows", 12L));
        first.add(new ClassifiedVisit(null, "direct", null, "desktop", "Chrome", "Windows", 12L));
        first.add(ClassifiedVisit.ofBot("Slackbot-LinkExpanding"));
        push.put(FIRST, first);
        push.put(SECOND, VisitCounts.ofClicks(5));

        Map<ClickKey, VisitCounts> decoded = only(ClickPushCodec.decode("batch", Map.of("push-1", ClickPushCodec.encode(push))));

        VisitCounts link = decoded.get(FIRST);
        assertEquals(3, link.clicks());
        assertEquals(1, link.bots());
        assertEquals(Map.of("direct", 2L, "news.example.com", 1L), link.of(Dimension.REFERRER));
        assertEquals(Map.of("DE", 1L), link.of(Dimension.COUNTRY));
        assertEquals(Map.of("desktop", 2L, "phone", 1L), link.of(Dimension.DEVICE));
        assertEquals(Map.of("Chrome", 2L, "Mobile Safari", 1L), link.of(Dimension.BROWSER));
        assertEquals(Map.of("Windows", 2L, "iOS", 1L), link.of(Dimension.OS));
        assertEquals(Map.of("Slackbot-LinkExpanding", 1L), link.of(Dimension.BOT));
        assertEquals(2, link.visitors().estimate(), "two visitors, one of them twice");
        assertEquals(5, decoded.get(SECOND).clicks());
        assertTrue(decoded.get(SECOND).of(Dimension.REFERRER).isEmpty());
    }

    @Test
    void pushesOfOneBatchMergeIntoOneBatchOfCounts() {
        VisitCounts a = new VisitCounts();
        a.count(Dimension.REFERRER, "a.example", 2);
        VisitCounts b = new VisitCounts();
        b.count(Dimension.REFERRER, "a.example", 3);
        b.count(Dimension.REFERRER, "b.example", 1);
        Map<String, Push> pushes = ClickPushCodec.decode("batch", Map.of(
                "p1", ClickPushCodec.encode(Map.of(FIRST, a)), "p2", ClickPushCodec.encode(Map.of(FIRST, b))));
        Map<ClickKey, VisitCounts> batch = new HashMap<>();
        pushes.values().forEach(push -> push.mergeInto(batch));
        assertEquals(Map.of("a.example", 5L, "b.example", 1L), batch.get(FIRST).of(Dimension.REFERRER));
    }

    @Test
    void manyValuesOfOneDimensionKeepTheirOwnCounts() {
        VisitCounts link = new VisitCounts();
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) { // past the linear scan: the index must find the same entries
            link.count(Dimension.REFERRER, "site" + (i % 40) + ".example", 1);
            expected.merge("site" + (i % 40) + ".example", 1L, Long::sum);
        }
        link.count(Dimension.COUNTRY, "site1.example", 9); // the same text in another dimension is another entry
        Map<ClickKey, VisitCounts> decoded = only(ClickPushCodec.decode("batch", Map.of("p", ClickPushCodec.encode(Map.of(FIRST, link)))));
        assertEquals(expected, decoded.get(FIRST).of(Dimension.REFERRER));
        assertEquals(Map.of("site1.example", 9L), decoded.get(FIRST).of(Dimension.COUNTRY));
    }

    @Test
    void pushesOfEarlierVersionsAreReadAsClicks() {
        Map<String, Push> pushes = ClickPushCodec.decode("batch-9", Map.of(
                "old-push", utf8("7:20400=3,8:20401=4"),
                "7:20400", utf8("2"),
                "json-push", utf8("{\"v\":2,\"links\":[{\"l\":7,\"d\":20400,\"c\":1,\"b\":{\"referrer\":{\"direct\":1},\"bot\":{\"FacebookBot\":2}}}]}")));
        Map<ClickKey, VisitCounts> batch = new HashMap<>();
        pushes.values().forEach(push -> push.mergeInto(batch));
        assertEquals(6, batch.get(FIRST).clicks());
        assertEquals(4, batch.get(SECOND).clicks());
        assertEquals(Map.of("direct", 1L), batch.get(FIRST).of(Dimension.REFERRER), "a JSON push keeps its breakdown");
        assertEquals(2, batch.get(FIRST).bots());
        assertTrue(pushes.containsKey("batch-9"), "counts added into the hash directly count under the batch id");
    }

    @Test
    void anUnreadablePushFailsWhenMergedRatherThanCountingPartly() {
        Map<String, Push> json = ClickPushCodec.decode("batch", Map.of("p", utf8("{\"v\":2,\"links\":[{\"c\":3}]}")));
        assertThrows(IllegalStateException.class, () -> json.get("p").mergeInto(new HashMap<>()));
        byte[] whole = ClickPushCodec.encode(Map.of(FIRST, VisitCounts.ofClicks(300), SECOND, VisitCounts.ofClicks(2)));
        for (int cut = 1; cut < whole.length; cut++) { // cut anywhere, never read as a smaller push
            byte[] part = Arrays.copyOf(whole, cut);
            assertThrows(IllegalStateException.class, () -> ClickPushCodec.decode("batch", Map.of("p", part)).get("p").mergeInto(new HashMap<>()));
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThrows(IllegalStateException.class, () -> ClickPushCodec.decode("batch", Map.of("p", longer)).get("p").mergeInto(new HashMap<>()));
    }

    @Test
    void aPushOfThousandsOfLinksIsAFewBytesPerLink() {
        Map<ClickKey, VisitCounts> push = new HashMap<>();
        for (int id = 1; id <= 3000; id++) {
            VisitCounts link = new VisitCounts();
            link.add(new ClassifiedVisit(null, "direct", null, "desktop", "Chrome", "Windows", (long) id));
            push.put(new ClickKey(id, 20_400), link);
        }
        byte[] encoded = ClickPushCodec.encode(push);
        assertTrue(encoded.length < 3000 * 40, encoded.length + " bytes: the texts are written once, not per link");
        Map<ClickKey, VisitCounts> decoded = only(ClickPushCodec.decode("batch", Map.of("p", encoded)));
        assertEquals(3000, decoded.size());
        assertEquals(Map.of("Chrome", 1L), decoded.get(new ClickKey(1234, 20_400)).of(Dimension.BROWSER));
    }

    @Test
    void aPushReadFromRedisIsMergedOnceAndThenLetsGoOfItsBytes() {
        Push push = ClickPushCodec.decode("batch", Map.of("p", ClickPushCodec.encode(Map.of(FIRST, VisitCounts.ofClicks(4))))).get("p");
        Map<ClickKey, VisitCounts> batch = new HashMap<>();
        push.mergeInto(batch);
        assertEquals(4, batch.get(FIRST).clicks());
        assertThrows(IllegalStateException.class, () -> push.mergeInto(batch), "merged twice: a flush would count it twice");
        assertEquals(4, batch.get(FIRST).clicks());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<ClickKey, VisitCounts> only(Map<String, Push> pushes) {
        assertEquals(1, pushes.size());
        return pushes.values().iterator().next().counts();
    }
}
