package dev.linkstack.platform.time;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.ZoneOffset;

/** One clock for every time-dependent rule, so tests can pin time with a fixed one. */
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        // Millisecond resolution: the same instants round-trip through PostgreSQL, SQLite and JSON.
        return Clock.tickMillis(ZoneOffset.UTC);
    }
}
