package dev.linkstack.app.backend;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisGuardTest {

    @Test
    void aConnectionFailureBacksOffAndTheNextSuccessEndsTheOutage() {
        RedisGuard guard = new RedisGuard();
        guard.failed(new IOException("Connection refused"));
        assertFalse(guard.shouldTry());
        assertTrue(guard.isDown());
        assertTrue(guard.outageEnded(), "the first success after an outage reports its end");
        assertFalse(guard.outageEnded());
    }

    @Test
    void aFullConnectionPoolIsNotAnOutage() {
        RedisGuard guard = new RedisGuard();
        guard.failed(new CompletionException(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 24")));
        assertTrue(guard.shouldTry(), "local back-pressure must not send the redirect path to the database");
        assertFalse(guard.isDown());
        assertFalse(guard.outageEnded(), "no outage ended, so nothing needs resynchronising");
    }
}
