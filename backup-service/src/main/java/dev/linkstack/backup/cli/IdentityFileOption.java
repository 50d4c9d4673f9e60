package dev.linkstack.backup.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code --identity-file F}: the age private key of an encrypted backup or archive, read as the commands that restore
 * read it, and what they say when it cannot be read or is missing.
 */
class IdentityFileOption {
    @Option(names = "--identity-file")
    String file;

    /** The key: from the named file, else from BACKUP_IDENTITY_FILE, else none. */
    Optional<String> key() throws IOException {
        String path = file != null ? file : System.getenv("BACKUP_IDENTITY_FILE");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        // age identity files may hold comments; the key is the line starting with AGE-SECRET-KEY-.
        List<String> lines = Files.readAllLines(Path.of(path));
        return Optional.of(lines.stream().map(String::strip).filter(line -> line.startsWith("AGE-SECRET-KEY-")).findFirst()
                .orElseThrow(() -> new IOException(path + " holds no AGE-SECRET-KEY- line")));
    }

    /** The file cannot be read or holds no key. */
    static int unreadable(BackupCommandLine cli, IOException e) {
        cli.err.println("error: cannot read the identity file: " + e.getMessage());
        return BackupCommandLine.FAILED;
    }

    /** An encrypted backup and no key given. */
    static int missing(BackupCommandLine cli, Exception e) {
        cli.err.println("error: " + e.getMessage() + " (--identity-file or BACKUP_IDENTITY_FILE)");
        return BackupCommandLine.FAILED;
    }
}
