package dev.linkstack.app.visits;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The visitor sketch: exact while small, within its error when large, unions that never count anyone twice. */
class VisitorSketchTest {

    @Test
    void exactUpToItsLimitAndEveryVisitorOnce() throws Exception {
        VisitorSketch sketch = new VisitorSketch();
        for (int i = 0; i < VisitorSketch.EXACT_LIMIT; i++) {
            sketch.add(hash(i));
            sketch.add(hash(i)); // the same visitor again
        }
        assertEquals(VisitorSketch.EXACT_LIMIT, sketch.estimate());
        assertEquals(VisitorSketch.EXACT_LIMIT, VisitorSketch.fromBytes(sketch.toBytes()).estimate(), "stored and read back");
    }

    @Test
    void largeDaysAreWithinTheErrorOfTheRegisters() throws Exception {
        for (int visitors : new int[]{300, 1_000, 10_000, 200_000}) {
            VisitorSketch sketch = new VisitorSketch();
            for (int i = 0; i < visitors; i++) {
                sketch.add(hash(visitors * 7919 + i));
            }
            double error = Math.abs(sketch.estimate() - visitors) / (double) visitors;
            // 1.04/sqrt(4096) = 1.6 % standard error: 5 % is three of them.
            assertTrue(error < 0.05, visitors + " visitors estimated as " + sketch.estimate());
            assertEquals(sketch.estimate(), VisitorSketch.fromBytes(sketch.toBytes()).estimate());
        }
    }

    @Test
    void unionsCountSharedVisitorsOnceAndAreIdempotent() throws Exception {
        VisitorSketch first = new VisitorSketch();
        VisitorSketch second = new VisitorSketch();
        for (int i = 0; i < 5_000; i++) {
            first.add(hash(i));
            second.add(hash(i + 2_500)); // half of them shared
        }
        VisitorSketch union = new VisitorSketch();
        union.merge(first);
        union.merge(second);
        long once = union.estimate();
        union.merge(second); // a push applied twice
        union.merge(first);
        assertEquals(once, union.estimate());
        assertTrue(Math.abs(once - 7_500) < 7_500 * 0.05, "7,500 visitors, estimated " + once);

        VisitorSketch small = new VisitorSketch();
        small.add(hash(1));
        small.merge(first); // exact into registers
        assertEquals(first.estimate(), small.estimate(), "a visitor already in the registers changes nothing");
    }

    @Test
    void bytesThatAreNoSketchAreRefused() {
        assertEquals(0, VisitorSketch.fromBytes(new byte[0]).estimate());
        assertThrows(IllegalArgumentException.class, () -> VisitorSketch.fromBytes(new byte[]{9, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> VisitorSketch.fromBytes(new byte[]{1, 0, 0, 0, 5, 1}));
    }

    private static long hash(int visitor) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(("visitor-" + visitor).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest).getLong();
    }
}
