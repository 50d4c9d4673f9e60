package dev.linkstack.backup.pitr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The scheduled proof's target as BACKUP_PITR_PROOF_TARGET writes it. */
class RestoreProofTargetTest {

    @Test
    void latestATimeAndARestorePointAreReadAndAnythingElseIsRefused() {
        assertEquals(new PointInTimeRestore.Target("latest", null), RestoreProof.configuredTarget("latest"));
        assertEquals(new PointInTimeRestore.Target("2026-03-18T14:02:59+01:00", null), RestoreProof.configuredTarget("2026-03-18T14:02:59+01:00"));
        assertEquals(new PointInTimeRestore.Target(null, "before-migration"), RestoreProof.configuredTarget("restore-point:before-migration"));
        for (String bad : new String[] {"yesterday", "restore-point:", "restore-point:bad name", "2026-03-18 14:02"}) {
            PitrRefusal refused = assertThrows(PitrRefusal.class, () -> PointInTimeRestore.parseTarget(RestoreProof.configuredTarget(bad)), bad);
            assertEquals(400, refused.status(), bad);
        }
    }
}
