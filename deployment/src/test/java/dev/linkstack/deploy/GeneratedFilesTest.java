package dev.linkstack.deploy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed deployment files are exactly what the model renders: edit the model, then regenerate. */
class GeneratedFilesTest {

    @Test
    void committedFilesMatchTheModel() {
        for (Map.Entry<String, String> file : Generator.files().entrySet()) {
            assertTrue(RepositoryFiles.path(file.getKey()).toFile().isFile(), file.getKey() + " missing: ./mvnw -pl deployment -am process-classes -Pregenerate");
            assertEquals(file.getValue(), RepositoryFiles.read(file.getKey()),
                    file.getKey() + " differs from the model: ./mvnw -pl deployment -am process-classes -Pregenerate");
        }
    }

    @Test
    void renderingIsReproducible() {
        assertEquals(Generator.files(), Generator.files());
    }

    @Test
    void everyGeneratedFileSaysItIsGenerated() {
        Generator.files().forEach((name, content) ->
                assertTrue(content.lines().findFirst().orElse("").contains("do not edit"), name));
    }
}
