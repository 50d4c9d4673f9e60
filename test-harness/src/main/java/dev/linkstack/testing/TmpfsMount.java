package dev.linkstack.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A small tmpfs mounted over a test's directory, to make a disk fill up or turn read-only under a running service.
 * Needs root (or CAP_SYS_ADMIN); a test that needs one calls {@link #requireSupport()}. Whatever was in the
 * directory is hidden while the mount is in place and visible again after {@link #close()}.
 */
public final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Whether this process may mount a tmpfs (tried once on a scratch directory). */
    public static synchronized boolean supported() {
        return whyUnsupported() == null;
    }

    /**
     * For a test that needs a tmpfs: true when mounting works; when it does not, fails with the reason, or answers
     * false (the test skips) where {@link MachineCapabilities#ALLOW_SKIPS} allows it.
     */
    public static boolean requireSupport() {
        return MachineCapabilities.present("mounting a tmpfs (root or CAP_SYS_ADMIN)", whyUnsupported());
    }

    private static synchronized String whyUnsupported() {
        Path probe = Processes.openTempDir("tmpfs-probe-");
        try {
            try (TmpfsMount ignored = mount(probe, "64k", false)) {
                return null;
            } catch (RuntimeException e) {
                return String.valueOf(e.getMessage()).strip().replace("\n", " ");
            }
        } finally {
            Processes.deleteRecursively(probe);
        }
    }

    /** Mounts a tmpfs of the given size (e.g. "2m") over {@code dir}, writable or read-only. */
    public static TmpfsMount mount(Path dir, String size, boolean readOnly) {
        return mount(dir, size, readOnly ? ",ro" : "");
    }

    /** A writable tmpfs whose files cannot be executed or mapped as code, as Docker mounts a Compose {@code tmpfs}. */
    public static TmpfsMount mountNoexec(Path dir, String size) {
        return mount(dir, size, ",noexec,nosuid,nodev,mode=1777");
    }

    private static TmpfsMount mount(Path dir, String size, String extraOptions) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String options = "size=" + size + (extraOptions.contains("mode=") ? "" : ",mode=0755") + extraOptions;
        Processes.run(Duration.ofSeconds(20), List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
        return new TmpfsMount(dir);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            Processes.run(Duration.ofSeconds(20), List.of("umount", dir.toString()));
        } catch (RuntimeException busy) {
            // A file still open inside (e.g. a dump being torn down): detach now, the kernel frees it when closed.
            Processes.run(Duration.ofSeconds(20), List.of("umount", "-l", dir.toString()));
        }
    }
}
