package dev.linkstack.backup.pitr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API restores write inside the restore root only: symbolic links are followed before the check, '..' never passes. */
class RestoreRootTest {

    @Test
    void aDirectoryInsideTheRootPassesAndOneOutsideOrTheRootItselfIsRefused(@TempDir Path dir) {
        Path root = dir.resolve("restore-root");
        assertDoesNotThrow(() -> PointInTimeRestore.requireInside(root, root.resolve("pgdata")));
        assertTrue(Files.isDirectory(root), "the root is created when missing");
        assertDoesNotThrow(() -> PointInTimeRestore.requireInside(root, root.resolve("a/b/pgdata")));
        assertRefused(root, dir.resolve("elsewhere"));
        assertRefused(root, root);
        assertRefused(root, dir.resolve("restore-root-sibling/pgdata"));
        PitrRefusal dotDot = assertThrows(PitrRefusal.class, () -> PointInTimeRestore.parseDirectory(root + "/../elsewhere"));
        assertEquals(400, dotDot.status());
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("missing"));
        Files.createSymbolicLink(root.resolve("inward"), Files.createDirectories(root.resolve("real")));
        assertRefused(root, root.resolve("link"));
        assertRefused(root, root.resolve("link/pgdata"));
        assertRefused(root, root.resolve("dangling"));
        assertRefused(root, root.resolve("dangling/pgdata"));
        assertDoesNotThrow(() -> PointInTimeRestore.requireInside(root, root.resolve("inward/pgdata")), "a link that stays inside is fine");
        // The root itself reached through a link: compared by real paths.
        Path rootLink = Files.createSymbolicLink(dir.resolve("root-link"), root);
        assertDoesNotThrow(() -> PointInTimeRestore.requireInside(rootLink, root.resolve("pgdata")));
        assertRefused(rootLink, outside.resolve("pgdata"));
    }

    private static void assertRefused(Path root, Path dir) {
        PitrRefusal refused = assertThrows(PitrRefusal.class, () -> PointInTimeRestore.requireInside(root, dir), dir.toString());
        assertEquals(400, refused.status());
        assertEquals("outside_restore_root", refused.error());
    }
}
