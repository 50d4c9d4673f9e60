package dev.linkstack.testing;

import dev.linkstack.testing.PlantedFaultsServer.Fault;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fuzzer's positive control: against a real HTTP server with a 500, a stack trace, a plain-text error and a
 * leaked password planted in one operation each, it reports exactly those four, each on its operation; against the
 * same server without them it reports nothing. A fuzzer that stopped seeing any of them fails here.
 */
class OpenApiFuzzerControlTest {
    private static final long SEED = 20261202L;
    /** 100 per operation: each planted fault needs only a few of them to show. */
    private static final int REQUESTS = 400;

    @Test
    void reportsEachPlantedFaultOnItsOperationAndNothingElse() {
        Map<String, Set<String>> expected = new TreeMap<>(Map.of(
                Fault.SERVER_ERROR.operation, Set.of("server error 500"),
                Fault.STACK_TRACE.operation, Set.of("internal detail in body"),
                Fault.NON_JSON_ERROR.operation, Set.of("error body is not JSON"),
                Fault.SECRET.operation, Set.of("configured secret in body")));
        OpenApiFuzzer.Result faulty;
        try (PlantedFaultsServer server = PlantedFaultsServer.start(EnumSet.allOf(Fault.class))) {
            faulty = fuzzer(server).run(SEED, REQUESTS);
        }
        OpenApiFuzzer.Result clean;
        try (PlantedFaultsServer server = PlantedFaultsServer.start(Set.of())) {
            clean = fuzzer(server).run(SEED, REQUESTS);
        }
        Map<String, Set<String>> found = kinds(faulty);
        long missed = expected.keySet().stream().filter(op -> !found.getOrDefault(op, Set.of()).equals(expected.get(op))).count();
        ReliabilityReport.record("OpenAPI fuzzer positive control: 4 planted faults (a 500, a stack trace, a plain-text error, a leaked password)",
                String.format("%,d generated requests to a faulty and %,d to a clean server", faulty.requests(), clean.requests()),
                missed + " planted faults missed, " + clean.findings().size() + " false alarms", "n/a");

        assertEquals(expected, found, faulty::summary);
        clean.assertClean();
    }

    private static OpenApiFuzzer fuzzer(PlantedFaultsServer server) {
        return OpenApiFuzzer.of(server.base()).forbidInBodies(PlantedFaultsServer.DATABASE_PASSWORD);
    }

    /** Operation → kinds of problem found there (without the detail after the colon, e.g. which marker). */
    private static Map<String, Set<String>> kinds(OpenApiFuzzer.Result result) {
        Map<String, Set<String>> kinds = new TreeMap<>();
        result.findings().forEach(f -> kinds.computeIfAbsent(f.operation(), op -> new TreeSet<>())
                .add(f.problem().replaceAll("[:(].*", "").strip()));
        return kinds;
    }
}
