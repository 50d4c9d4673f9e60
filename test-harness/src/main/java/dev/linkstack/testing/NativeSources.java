package dev.linkstack.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a Quarkus native build leaves in {@code target/native-sources} when it stops before native-image
 * ({@code -Dquarkus.native.sources-only=true}): the native-image arguments and, inside the jars, the
 * reflection, resource and JNI configuration the image would be built with.
 */
public final class NativeSources {
    private final Path dir;

    public NativeSources(Path dir) {
        if (!Files.isRegularFile(dir.resolve("native-image.args"))) {
            throw new IllegalStateException(dir + " has no native-image.args: build with -Dnative -Dquarkus.native.sources-only=true");
        }
        this.dir = dir;
    }

    public String arguments() {
        try {
            return Files.readString(dir.resolve("native-image.args"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The concatenated contents of every META-INF/native-image file with this name, in every jar of the build. */
    public String configuration(String fileName) {
        StringBuilder all = new StringBuilder();
        for (Path jar : jars()) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                    if (entry.getName().startsWith("META-INF/native-image/") && entry.getName().endsWith("/" + fileName)
                            || entry.getName().equals("META-INF/native-image/" + fileName)) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.toString();
    }

    private List<Path> jars() {
        try (Stream<Path> files = Files.walk(dir)) {
            return new ArrayList<>(files.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
