package dev.linkstack.testing;

/**
 * What a test needs from the machine beyond the Debian packages, e.g. mounting a tmpfs (root or CAP_SYS_ADMIN). A
 * missing capability fails the test with the reason: a check that silently skips can look like a pass. Where a machine
 * cannot have it, {@code -D}{@value #ALLOW_SKIPS}{@code =true} lets those tests skip instead, by choice.
 */
public final class MachineCapabilities {
    /** System property (Maven passes -D options on to the test JVMs) that turns a missing capability into a skip. */
    public static final String ALLOW_SKIPS = "tests.allow-skips";

    private MachineCapabilities() {
    }

    /**
     * @param what       the capability, e.g. "mounting a tmpfs (root or CAP_SYS_ADMIN)"
     * @param whyMissing null when the machine has it, else what trying it answered
     * @return true when present; false (the caller skips) only when {@value #ALLOW_SKIPS} is set
     * @throws IllegalStateException when missing and skips are not allowed
     */
    public static boolean present(String what, String whyMissing) {
        if (whyMissing == null) {
            return true;
        }
        if (Boolean.getBoolean(ALLOW_SKIPS)) {
            return false;
        }
        throw new IllegalStateException(what + " is not possible here (" + whyMissing + "); the test needs it. Run as root, or set -D"
                + ALLOW_SKIPS + "=true to skip the tests that need it");
    }
}
