package dev.linkstack.app.config;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/** One clock for the whole app, so time-dependent rules can be tested with a fixed one. */
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        // Millisecond resolution: the same instants round-trip through PostgreSQL, SQLite and JSON.
        return Clock.tickMillis(java.time.ZoneOffset.UTC);
    }
}
