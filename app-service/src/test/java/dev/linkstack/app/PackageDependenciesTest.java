package dev.linkstack.app;

import dev.linkstack.testing.SourceLayout;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The main code's packages depend on each other one way only, and no file grows past a readable size. */
class PackageDependenciesTest {
    private final SourceLayout layout = SourceLayout.read(Path.of("src/main/java"), "dev.linkstack.app");

    @Test
    void noPackagesUseEachOther() {
        assertEquals(List.of(), layout.cycles(), () -> "package uses: " + layout.packageUses());
    }

    @Test
    void noMainFileOver400Lines() {
        assertEquals(Map.of(), layout.filesLongerThan(400));
    }
}
