package dev.linkstack.app.redirect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CachedRedirectRouteTest {

    @Test
    void onlyASingleNonEmptyPathSegmentIsACandidateCode() {
        assertEquals("abc123", CachedRedirectRoute.singleSegment("/abc123"));
        assertEquals("x", CachedRedirectRoute.singleSegment("/x"));
        assertNull(CachedRedirectRoute.singleSegment("/"));
        assertNull(CachedRedirectRoute.singleSegment(""));
        assertNull(CachedRedirectRoute.singleSegment(null));
        assertNull(CachedRedirectRoute.singleSegment("/abc/"));
        assertNull(CachedRedirectRoute.singleSegment("/api/links"));
        assertNull(CachedRedirectRoute.singleSegment("abc"));
    }
}
