package dev.linkstack.backup.pitr;

import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.process.ExternalCommand;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Unpacks base backups into a new data directory: a full one's tar files straight into it; a chain of incremental ones
 * each into a work directory beside it (with its manifest), then pg_combinebackup writes the data directory from
 * them, full base backup first. Encrypted files are decrypted on the way. The work directory is removed whatever happens.
 */
final class BaseBackupExtraction {
    private static final Logger LOG = Logger.getLogger(BaseBackupExtraction.class);
    private static final String MANIFEST = "backup_manifest";

    private BaseBackupExtraction() {
    }

    /** Unpacks {@code chain} (full first, the one to restore last) into {@code dir}; pg_combinebackup is needed for more than one. */
    static void unpack(List<BaseBackup> chain, Function<BaseBackup, Path> dirOf, Path dir, Optional<String> identity, Path pgCombinebackup,
                       Duration timeout) throws IOException, InterruptedException {
        BaseBackup last = chain.get(chain.size() - 1);
        if (chain.size() == 1) {
            extract(stored(dirOf.apply(last), last, "base.tar.gz"), dir, identity, timeout);
        } else {
            combine(chain, dirOf, dir, identity, pgCombinebackup, timeout);
        }
        if (last.files().containsKey("pg_wal.tar.gz") || last.files().containsKey("pg_wal.tar.gz" + AgeEncryption.EXTENSION)) {
            extract(stored(dirOf.apply(last), last, "pg_wal.tar.gz"), dir.resolve("pg_wal"), identity, timeout);
        }
    }

    private static void combine(List<BaseBackup> chain, Function<BaseBackup, Path> dirOf, Path dir, Optional<String> identity, Path pgCombinebackup,
                                Duration timeout) throws IOException, InterruptedException {
        if (!Files.isExecutable(pgCombinebackup)) {
            throw new IOException("base backup " + chain.get(chain.size() - 1).id() + " is incremental, and restoring it needs pg_combinebackup "
                    + chain.get(0).serverMajor() + "+, not found at " + pgCombinebackup + ": install the PostgreSQL client of that version or set BACKUP_PG_BIN_DIR");
        }
        // Beside the data directory: on its file system, inside the API's restore root, and not in the directory itself,
        // which pg_combinebackup wants empty.
        Path work = dir.resolveSibling("." + dir.getFileName() + ".chain");
        BaseBackups.deleteTree(work);
        try {
            AtomicFiles.createPrivateDirectories(work);
            List<String> command = new ArrayList<>(List.of(pgCombinebackup.toString()));
            for (BaseBackup member : chain) {
                Path source = dirOf.apply(member);
                Path into = work.resolve(member.id());
                extract(stored(source, member, "base.tar.gz"), into, identity, timeout);
                try (InputStream in = ArchiveEncryption.open(stored(source, member, MANIFEST), identity);
                     OutputStream out = AtomicFiles.createPrivate(into.resolve(MANIFEST))) {
                    in.transferTo(out);
                }
                command.add(into.toString());
            }
            command.addAll(List.of("-o", dir.toString()));
            ExternalCommand combining = ExternalCommand.of("pg_combinebackup", new ProcessBuilder(command)).timeout(timeout)
                    .mergedOutputLines(20, line -> LOG.infof("[pg_combinebackup] %s", line));
            try (ExternalCommand.Running running = combining.start()) {
                ExternalCommand.Exit exit = running.await();
                if (!exit.ok()) {
                    throw new IOException(exit.timedOut() ? exit.timeoutMessage() : "pg_combinebackup failed (" + exit.describeCode() + ")" + exit.outputSuffix());
                }
            }
            LOG.infof("combined %d base backups (%s to %s) into %s", chain.size(), chain.get(0).id(), chain.get(chain.size() - 1).id(), dir);
        } finally {
            BaseBackups.deleteTree(work);
        }
    }

    /** The file of a base backup as stored: {@code name}, or {@code name.age} when the backup was encrypted. */
    static Path stored(Path source, BaseBackup base, String name) {
        return source.resolve(base.files().containsKey(name + AgeEncryption.EXTENSION) ? name + AgeEncryption.EXTENSION : name);
    }

    /** Unpacks a tar.gz of a base backup; an encrypted one is decrypted into a hidden file in {@code into} first. */
    private static void extract(Path stored, Path into, Optional<String> identity, Duration timeout) throws IOException, InterruptedException {
        AtomicFiles.createPrivateDirectories(into);
        if (!ArchiveEncryption.isEncrypted(stored)) {
            untar(stored, into, timeout);
            return;
        }
        Path plain = into.resolve(".restore-" + stored.getFileName().toString().replace(AgeEncryption.EXTENSION, ""));
        try {
            try (InputStream in = ArchiveEncryption.open(stored, identity); OutputStream out = AtomicFiles.createPrivate(plain)) {
                in.transferTo(out);
            }
            untar(plain, into, timeout);
        } finally {
            Files.deleteIfExists(plain);
        }
    }

    private static void untar(Path tarGz, Path into, Duration timeout) throws IOException, InterruptedException {
        ExternalCommand tar = ExternalCommand.of("tar", new ProcessBuilder("tar", "-xzf", tarGz.toString(), "-C", into.toString(), "--no-same-owner"))
                .timeout(timeout);
        try (ExternalCommand.Running running = tar.start()) {
            ExternalCommand.Exit exit = running.await();
            if (!exit.ok()) {
                throw new IOException("tar " + tarGz.getFileName() + " failed (" + exit.describeCode() + ")" + exit.outputSuffix());
            }
        }
    }
}
