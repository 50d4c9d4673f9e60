package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.postgres.TargetDatabase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Named restore points ({@code pg_create_restore_point}): a restore can stop exactly there. Each one made through the
 * service is also written to {@code <backup dir>/restore-points/<name>.json} with its LSN and time, which is how a
 * restore picks the base backup that precedes it. They are made in {@code backup.wal.restore-point-database}
 * ({@code postgres} by default), not in the backed-up database.
 */
@Singleton
public class RestorePoints {
    /** A short safe identifier: it becomes a file name and a recovery setting. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    private final BackupConfig config;
    private final TargetDatabase target;

    @Inject
    public RestorePoints(BackupConfig config, TargetDatabase target) {
        this.config = config;
        this.target = target;
    }

    public record RestorePoint(String name, String lsn, int timeline, Instant createdAt) {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public RestorePoint create(String name) {
        if (!isValidName(name)) {
            throw new PitrRefusal(400, "bad_request", "A restore point name is 1-63 letters, digits, '_' or '-', starting with a letter or digit");
        }
        Path file = PitrDirs.restorePoints(config).resolve(name + ".json");
        if (Files.exists(file)) {
            throw new PitrRefusal(409, "conflict", "A restore point named " + name + " exists already");
        }
        RestorePoint point;
        // Restore points are cluster-wide: made from the maintenance database, where EXECUTE on the function is granted
        // without being dumped with the app's database.
        try (Connection connection = target.connect(config.wal().restorePointDatabase());
             PreparedStatement statement = connection.prepareStatement("WITH p AS (SELECT pg_create_restore_point(?) AS lsn)"
                     + " SELECT lsn::text, now(), pg_walfile_name(lsn) FROM p")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                point = new RestorePoint(name, rs.getString(1), Integer.parseInt(rs.getString(3).substring(0, 8), 16), rs.getTimestamp(2).toInstant());
            }
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) || "08006".equals(e.getSQLState()) || e.getSQLState() == null) {
                throw new PitrRefusal(503, "database_unavailable", "The database is not reachable: " + e.getMessage());
            }
            throw new PitrRefusal(422, "restore_point_failed", "pg_create_restore_point failed: " + e.getMessage());
        }
        try {
            AtomicFiles.createPrivateDirectories(file.getParent());
            AtomicFiles.write(file, StoreJson.MAPPER.writeValueAsBytes(point));
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "restore point " + name + " made at " + point.lsn()
                    + " but not recorded: " + e.getMessage());
        }
        return point;
    }

    public Optional<RestorePoint> find(String name) {
        if (!isValidName(name)) {
            return Optional.empty();
        }
        Path file = PitrDirs.restorePoints(config).resolve(name + ".json");
        try {
            return Files.isRegularFile(file) ? Optional.of(StoreJson.MAPPER.readValue(file.toFile(), RestorePoint.class)) : Optional.empty();
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Restore points made through the service, newest first. */
    public List<RestorePoint> list() {
        Path dir = PitrDirs.restorePoints(config);
        List<RestorePoint> points = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return points;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                points.add(StoreJson.MAPPER.readValue(file.toFile(), RestorePoint.class));
            }
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "cannot list " + dir + ": " + e.getMessage());
        }
        points.sort(Comparator.comparing(RestorePoint::createdAt).reversed());
        return points;
    }
}
