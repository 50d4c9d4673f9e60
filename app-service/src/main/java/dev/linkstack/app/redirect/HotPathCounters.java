package dev.linkstack.app.redirect;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters for code that runs on every redirect. A Micrometer {@code Counter} behind Quarkus's composite registry
 * walks its child meters on each increment (several per cent of the redirect path in a profile); a {@link LongAdder}
 * read only when metrics are scraped costs one uncontended add.
 */
public final class HotPathCounters {
    private HotPathCounters() {
    }

    /** A counter registered under {@code name} with the given tag pairs; the returned adder is what to increment. */
    public static LongAdder register(MeterRegistry registry, String name, String description, String... tags) {
        LongAdder adder = new LongAdder();
        // The meter keeps only a weak reference to the adder; the caller's field keeps it alive.
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tags(tags).register(registry);
        return adder;
    }
}
