package dev.linkstack.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceLayoutTest {

    @Test
    void findsACycleThroughImportsAndFullyQualifiedNamesAndLongFiles(@TempDir Path root) throws IOException {
        write(root, "a/A.java", "package x.a;\nimport x.b.B;\nclass A {}\n");
        write(root, "b/B.java", "package x.b;\nclass B { x.c.C c; }\n");
        write(root, "c/C.java", "package x.c;\nimport x.a.A;\nimport java.util.List;\nclass C {}\n");
        write(root, "d/D.java", "package x.d;\nimport x.a.A;\nclass D {}\n");
        SourceLayout layout = SourceLayout.read(root, "x");
        assertEquals(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")), layout.packageUses());
        assertEquals(List.of(List.of("a", "b", "c", "a")), layout.cycles());
        assertEquals(Map.of(Path.of("x/c/C.java"), 4), layout.filesLongerThan(3));
        assertEquals(2, layout.problems(3).size(), () -> String.valueOf(layout.problems(3)));
    }

    @Test
    void usesThatPointOneWayAreNoCycle(@TempDir Path root) throws IOException {
        write(root, "a/A.java", "package x.a;\nimport x.b.B;\nimport x.c.C;\nclass A {}\n");
        write(root, "b/B.java", "package x.b;\nimport x.c.C;\nclass B {}\n");
        write(root, "c/C.java", "package x.c;\nclass C {}\n");
        assertEquals(List.of(), SourceLayout.read(root, "x").cycles());
        assertEquals(List.of(), SourceLayout.read(root, "x").problems(400));
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path path = root.resolve("x").resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
