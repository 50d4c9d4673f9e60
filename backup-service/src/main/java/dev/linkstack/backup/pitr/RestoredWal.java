package dev.linkstack.backup.pitr;

import dev.linkstack.backup.encryption.AgeEncryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** The archived WAL a point-in-time restore needs, copied into the new data directory for its restore_command. */
final class RestoredWal {
    private RestoredWal() {
    }

    /**
     * The segment's content, decompressed. The receiver goes on while a restore reads: a plain segment listed a moment
     * ago may have been gzipped since, and a partial one completed (then gzipped), so the later forms are tried too.
     */
    private static InputStream openSegment(WalArchive.Segment segment, Path walDir, Optional<String> identity) throws IOException {
        List<Path> forms = List.of(segment.file(), walDir.resolve(segment.name()), walDir.resolve(segment.name() + ".gz"),
                walDir.resolve(segment.name() + ".gz" + AgeEncryption.EXTENSION));
        NoSuchFileException gone = null;
        for (Path form : forms) {
            if (form.equals(segment.file()) || !segment.compressed()) {
                try {
                    InputStream raw = ArchiveEncryption.open(form, identity);
                    if (!form.getFileName().toString().matches(".*\\.gz(\\.age)?")) {
                        return raw;
                    }
                    try {
                        return new GZIPInputStream(raw, 64 * 1024);
                    } catch (IOException e) {
                        raw.close();
                        throw e;
                    }
                } catch (NoSuchFileException e) {
                    gone = e;
                }
            }
        }
        throw gone;
    }

    /**
     * Copies the archive's WAL from the base backup's start on (its timeline and any later one), decompressed; the
     * partial segment of each timeline under its full name, so recovery reads what was received last.
     */
    static int provide(WalArchive.Listing archive, BaseBackup base, Path walDir, Path into, Optional<String> identity) throws IOException {
        long first = WalArchive.segmentOf(base.startLsn());
        int copied = 0;
        for (var timeline : archive.timelines().entrySet()) {
            if (timeline.getKey() < base.timeline()) {
                continue;
            }
            for (WalArchive.Segment segment : timeline.getValue().values()) {
                if (timeline.getKey() == base.timeline() && segment.number() < first) {
                    continue;
                }
                try (InputStream in = openSegment(segment, walDir, identity); OutputStream out = Files.newOutputStream(into.resolve(segment.name()),
                        StandardOpenOption.CREATE_NEW)) {
                    in.transferTo(out);
                }
                copied++;
            }
        }
        for (int history : archive.histories()) {
            String name = String.format("%08X.history", history);
            Files.copy(walDir.resolve(name), into.resolve(name));
        }
        return copied;
    }
}
