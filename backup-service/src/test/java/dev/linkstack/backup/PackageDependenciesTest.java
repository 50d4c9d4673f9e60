package dev.linkstack.backup;

import dev.linkstack.testing.SourceLayout;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The main code's packages depend on each other one way only, and no file grows past a readable size. */
class PackageDependenciesTest {

    @Test
    void packagesUseEachOtherOneWayAndNoMainFileIsOver400Lines() {
        assertEquals(List.of(), SourceLayout.read(Path.of("src/main/java"), "dev.linkstack.backup").problems(400));
    }
}
