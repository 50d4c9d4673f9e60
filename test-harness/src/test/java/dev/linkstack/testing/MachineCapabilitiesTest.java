package dev.linkstack.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing capability fails the test that needs it, with the reason; it skips only when asked to. */
class MachineCapabilitiesTest {
    private final String before = System.getProperty(MachineCapabilities.ALLOW_SKIPS);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(MachineCapabilities.ALLOW_SKIPS);
        } else {
            System.setProperty(MachineCapabilities.ALLOW_SKIPS, before);
        }
    }

    @Test
    void aMissingCapabilityFailsWithTheReason() {
        System.clearProperty(MachineCapabilities.ALLOW_SKIPS);
        assertTrue(MachineCapabilities.present("mounting a tmpfs", null));
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> MachineCapabilities.present("mounting a tmpfs", "mount: only root can do that"));
        assertTrue(failure.getMessage().contains("mount: only root can do that"), failure.getMessage());
        assertTrue(failure.getMessage().contains("-Dtests.allow-skips=true"), failure.getMessage());
    }

    @Test
    void skipsOnlyWhenAllowed() {
        System.setProperty(MachineCapabilities.ALLOW_SKIPS, "true");
        assertFalse(MachineCapabilities.present("mounting a tmpfs", "mount: only root can do that"));
        assertTrue(MachineCapabilities.present("mounting a tmpfs", null));
    }
}
