package dev.linkstack.backup.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How a dump is written: plain SQL compressed in-process, or pg_dump's own custom archive format. */
public enum BackupFormat {
    GZIP("gzip", ".sql.gz", "application/gzip", "plain"),
    ZSTD("zstd", ".sql.zst", "application/zstd", "plain"),
    CUSTOM("custom", ".dump", "application/octet-stream", "custom");

    private static final int BUFFER = 64 * 1024;

    private final String label;
    private final String extension;
    private final String contentType;
    private final String pgDumpFormat;

    BackupFormat(String label, String extension, String contentType, String pgDumpFormat) {
        this.label = label;
        this.extension = extension;
        this.contentType = contentType;
        this.pgDumpFormat = pgDumpFormat;
    }

    @JsonValue
    public String label() {
        return label;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** Value of pg_dump's --format option. */
    public String pgDumpFormat() {
        return pgDumpFormat;
    }

    /** Plain SQL dumps are restored with psql, custom archives with pg_restore. */
    public boolean isPlainSql() {
        return "plain".equals(pgDumpFormat);
    }

    /** Wraps the file stream so that pg_dump's output lands on disk in this format. */
    public OutputStream compressing(OutputStream file) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPOutputStream(file, BUFFER);
            case ZSTD -> new ZstdOutputStream(file);
            // pg_dump compresses its custom archive itself.
            case CUSTOM -> file;
        };
    }

    /** Reverses {@link #compressing} for plain SQL dumps. */
    public InputStream decompressing(InputStream file) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(file, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(file), BUFFER);
            case CUSTOM -> file;
        };
    }

    public static Optional<BackupFormat> fromLabel(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.label.equals(wanted)).findFirst();
    }

    @JsonCreator
    static BackupFormat fromJson(String label) {
        return fromLabel(label).orElseThrow(() -> new IllegalArgumentException("unknown format '" + label + "' (use gzip, zstd or custom)"));
    }

    @Override
    public String toString() {
        return label;
    }
}
