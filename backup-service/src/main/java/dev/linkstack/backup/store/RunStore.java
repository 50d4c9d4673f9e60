package dev.linkstack.backup.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.linkstack.backup.model.RunManifest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Run manifests and globals files, in the {@code runs/} folder of the backup directory. */
@Singleton
public class RunStore {
    private static final Logger LOG = Logger.getLogger(RunStore.class);
    private static final Pattern RUN_ID = Pattern.compile("run-[0-9]{8}T[0-9]{9}Z");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path dir;
    private final BackupStore backups;
    private final ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT).build();

    @Inject
    public RunStore(BackupStore backups) {
        this.backups = backups;
        this.dir = backups.dir().resolve("runs");
    }

    public static String runId(Instant startedAt) {
        return "run-" + STAMP.format(startedAt);
    }

    public static boolean isValid(String runId) {
        return runId != null && RUN_ID.matcher(runId).matches();
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
                if (isValid(id)) {
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
        return isValid(runId) ? read(runId).filter(this::complete) : Optional.empty();
    }

    /** Writes the manifest atomically; the run is listed from then on. */
    public void publish(RunManifest manifest) throws IOException {
        Files.createDirectories(dir);
        Path partial = dir.resolve("." + manifest.runId() + ".json.partial");
        Files.write(partial, json.writeValueAsBytes(manifest), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(partial, dir.resolve(manifest.runId() + ".json"), StandardCopyOption.ATOMIC_MOVE);
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
                Optional<RunManifest> run = isValid(id) ? read(id) : Optional.empty();
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
        if (!isValid(runId)) {
            throw new IllegalArgumentException("invalid run id");
        }
    }
}
