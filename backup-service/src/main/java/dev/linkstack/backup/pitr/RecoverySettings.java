package dev.linkstack.backup.pitr;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The recovery settings of a restored data directory: appended to its postgresql.auto.conf, with recovery.signal. */
final class RecoverySettings {
    private static final Logger LOG = Logger.getLogger(RecoverySettings.class);
    private static final Pattern INHERITED_RECOVERY_SETTING = Pattern.compile(
            "\\s*(restore_command|recovery_target\\w*|recovery_end_command)\\s*=");

    private RecoverySettings() {
    }

    /** Writes {@code settings} under a comment naming {@code purpose}, after dropping those of an earlier restore. */
    static void write(Path dataDir, String purpose, Map<String, String> settings) throws IOException {
        StringBuilder conf = new StringBuilder("\n# " + purpose + ", written by backup-service; unused once PostgreSQL has promoted\n");
        settings.forEach((name, value) -> conf.append(name).append(" = '").append(value.replace("'", "''")).append("'\n"));
        Path autoConf = dataDir.resolve("postgresql.auto.conf");
        dropInherited(autoConf);
        Files.writeString(autoConf, conf, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.write(dataDir.resolve("recovery.signal"), new byte[0]);
    }

    /**
     * A base backup of a server that was itself restored (and promoted) carries that restore's recovery settings in
     * postgresql.auto.conf; left there, an old recovery_target_time would stop this recovery at the old target.
     */
    static void dropInherited(Path autoConf) throws IOException {
        if (!Files.exists(autoConf)) {
            return;
        }
        List<String> lines = Files.readAllLines(autoConf, StandardCharsets.UTF_8);
        List<String> kept = lines.stream().filter(line -> !INHERITED_RECOVERY_SETTING.matcher(line).lookingAt()).toList();
        if (kept.size() != lines.size()) {
            LOG.infof("dropped %d recovery settings of an earlier restore from the base backup's postgresql.auto.conf", lines.size() - kept.size());
            Files.write(autoConf, kept, StandardCharsets.UTF_8);
        }
    }
}
