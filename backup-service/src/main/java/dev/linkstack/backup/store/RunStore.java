package dev.linkstack.backup.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.model.RunId;
import dev.linkstack.backup.model.RunManifest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Run manifests and globals files, in the {@code runs/} folder of the backup directory. */
@Singleton
public class RunStore {
    private static final Logger LOG = Logger.getLogger(RunStore.class);

    private final Path dir;
    private final BackupStore backups;
    private final ObjectMapper json = StoreJson.MAPPER;

    @Inject
    public RunStore(BackupStore backups) {
        this.backups = backups;
        this.dir = backups.dir().resolve("runs");
    }

    public Path dir() {
        return dir;
    }

    /** Where the globals dump of a run is written (suffix: .sql.gz, plus .age when encrypted). */
    public Path globalsFile(String runId, String suffix) {
        require(runId);
        return dir.resolve(runId + ".globals" + suffix);
    }

    /** Complete runs whose backups all still exist, newest first. */
    public List<RunManifest> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<RunManifest> runs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "run-*.json")) {
            for (Path file : files) {
                String id = file.getFileName().toString().replace(".json", "");
                if (RunId.isValid(id)) {
                    read(id).filter(this::complete).ifPresent(runs::add);
                }
            }
        } catch (IOException e) {
            throw new BackupStore.StoreException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        runs.sort(Comparator.comparing(RunManifest::startedAt).reversed());
        return runs;
    }

    public Optional<RunManifest> find(String runId) {
        return RunId.isValid(runId) ? read(runId).filter(this::complete) : Optional.empty();
    }

    /** Writes the manifest atomically; the run is listed from then on. */
    public void publish(RunManifest manifest) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(manifest.runId() + ".json"), json.writeValueAsBytes(manifest));
    }

    /** Removes runs none of whose backups exist any more (after retention), with their globals files. */
    public List<String> pruneOrphans() {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "run-*.json")) {
            for (Path file : files) {
                String id = file.getFileName().toString().replace(".json", "");
                Optional<RunManifest> run = RunId.isValid(id) ? read(id) : Optional.empty();
                if (run.isPresent() && run.get().backupIds().stream().noneMatch(b -> backups.find(b).isPresent())) {
                    Files.deleteIfExists(file);
                    if (run.get().globalsFile() != null) {
                        Files.deleteIfExists(dir.resolve(run.get().globalsFile()));
                    }
                    removed.add(id);
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot prune runs in %s: %s", dir, e.getMessage());
        }
        return removed;
    }

    private boolean complete(RunManifest run) {
        return run.backupIds() != null && run.backupIds().stream().allMatch(b -> backups.find(b).isPresent())
                && (run.globalsFile() == null || Files.isRegularFile(dir.resolve(run.globalsFile())));
    }

    private Optional<RunManifest> read(String runId) {
        try {
            RunManifest manifest = json.readValue(dir.resolve(runId + ".json").toFile(), RunManifest.class);
            return runId.equals(manifest.runId()) ? Optional.of(manifest) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("ignoring run %s: %s", runId, e.getMessage());
            return Optional.empty();
        }
    }

    private static void require(String runId) {
        if (!RunId.isValid(runId)) {
            throw new IllegalArgumentException("invalid run id");
        }
    }
}
