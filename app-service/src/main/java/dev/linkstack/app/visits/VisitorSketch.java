package dev.linkstack.app.visits;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A day's unique visitors as a HyperLogLog (Flajolet et al. 2007, with linear counting for small cardinalities):
 * 2^12 one-byte registers, about ±1.6 %. Until {@value #EXACT_LIMIT} visitors it keeps their 64-bit hashes instead,
 * sorted, and is exact: most links' days never need the registers. Unions are idempotent (a set union, or the
 * maximum of each register), so a push merged twice cannot count a visitor twice.
 * <p>
 * Written here rather than taken from Apache DataSketches: its memory layer refuses to load on Java 25 (the native
 * image's and the containers' JDK), and an HLL is a few dozen lines. Not thread-safe.
 */
public final class VisitorSketch {
    static final int EXACT_LIMIT = 256;
    private static final int P = 12;
    private static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);
    private static final byte EXACT = 1;
    private static final byte REGISTERS = 2;

    private long[] hashes = new long[0]; // sorted, distinct; null once registers are in use
    private byte[] registers;

    /** Adds a visitor by its 64-bit hash (uniformly distributed: a cryptographic digest's first bytes). */
    public void add(long hash) {
        if (registers != null) {
            addToRegisters(hash);
            return;
        }
        int at = Arrays.binarySearch(hashes, hash);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        long[] grown = new long[hashes.length + 1];
        System.arraycopy(hashes, 0, grown, 0, insert);
        grown[insert] = hash;
        System.arraycopy(hashes, insert, grown, insert + 1, hashes.length - insert);
        hashes = grown;
        if (hashes.length > EXACT_LIMIT) {
            toRegisters();
        }
    }

    public void merge(VisitorSketch other) {
        if (other.registers == null) {
            for (long hash : other.hashes) {
                add(hash);
            }
            return;
        }
        if (registers == null) {
            toRegisters();
        }
        for (int i = 0; i < M; i++) {
            registers[i] = (byte) Math.max(registers[i], other.registers[i]);
        }
    }

    public long estimate() {
        if (registers == null) {
            return hashes.length;
        }
        double sum = 0;
        int zeros = 0;
        for (byte register : registers) {
            sum += 1.0 / (1L << register);
            if (register == 0) {
                zeros++;
            }
        }
        double raw = ALPHA * M * M / sum;
        if (raw <= 2.5 * M && zeros > 0) {
            raw = M * Math.log((double) M / zeros); // linear counting: better for small cardinalities
        }
        return Math.round(raw);
    }

    public byte[] toBytes() {
        if (registers != null) {
            return ByteBuffer.allocate(1 + M).put(REGISTERS).put(registers).array();
        }
        ByteBuffer bytes = ByteBuffer.allocate(1 + 4 + 8 * hashes.length).put(EXACT).putInt(hashes.length);
        for (long hash : hashes) {
            bytes.putLong(hash);
        }
        return bytes.array();
    }

    /** The sketch of {@link #toBytes}; an empty array is an empty sketch. */
    public static VisitorSketch fromBytes(byte[] stored) {
        VisitorSketch sketch = new VisitorSketch();
        if (stored == null || stored.length == 0) {
            return sketch;
        }
        ByteBuffer bytes = ByteBuffer.wrap(stored);
        byte kind = bytes.get();
        if (kind == REGISTERS && stored.length == 1 + M) {
            sketch.hashes = null;
            sketch.registers = Arrays.copyOfRange(stored, 1, stored.length);
            return sketch;
        }
        if (kind == EXACT && stored.length >= 5) {
            int count = bytes.getInt();
            if (count >= 0 && count <= EXACT_LIMIT && stored.length == 5 + 8 * count) {
                for (int i = 0; i < count; i++) {
                    sketch.add(bytes.getLong());
                }
                return sketch;
            }
        }
        throw new IllegalArgumentException("not a visitor sketch (" + stored.length + " bytes)");
    }

    private void toRegisters() {
        long[] exact = hashes;
        hashes = null;
        registers = new byte[M];
        for (long hash : exact) {
            addToRegisters(hash);
        }
    }

    private void addToRegisters(long hash) {
        int index = (int) (hash >>> (64 - P));
        // The rank of the first 1 bit in the other 52 bits, at most 53 (all zero).
        int rank = Math.min(Long.numberOfLeadingZeros(hash << P), 64 - P) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }
}
