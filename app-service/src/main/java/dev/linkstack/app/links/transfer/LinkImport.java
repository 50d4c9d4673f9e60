package dev.linkstack.app.links.transfer;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.links.BulkInsert;
import dev.linkstack.app.links.Tags;
import dev.linkstack.platform.errors.ApiError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a CSV export (ours or another shortener's, {@link ImportFormat}) as it arrives, a batch of rows at a time:
 * memory holds one batch and the report of skipped rows, never the file.
 */
@ApplicationScoped
public class LinkImport {
    private static final int BATCH = 500;
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
            .setTrim(true).setIgnoreSurroundingSpaces(true).setAllowMissingColumnNames(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL).get();

    /** What an import did (or, dry, would do); {@code limitReached}: rows past the row limit were left unread. */
    public record Report(String format, boolean dryRun, int rows, int created, int skipped, boolean limitReached,
                         List<BulkInsert.Skipped> skippedRows) {
    }

    private final BulkInsert bulk;
    private final long maxBytes;
    private final int maxRows;

    LinkImport(BulkInsert bulk, AppConfig config) {
        this.bulk = bulk;
        this.maxBytes = config.limits().maxImportBytes();
        this.maxRows = config.limits().maxImportRows();
    }

    public Report run(long ownerId, InputStream body, boolean dryRun) {
        int rows = 0;
        int written = 0;
        List<BulkInsert.Skipped> skipped = new ArrayList<>();
        try (CSVParser parser = CSV.parse(new BufferedReader(new InputStreamReader(new Limited(body, maxBytes), StandardCharsets.UTF_8)))) {
            ImportFormat.Columns columns = ImportFormat.detect(parser.getHeaderNames().stream().map(LinkImport::withoutBom).toList());
            if (columns == null) {
                throw new InvalidInput("file", "The header row names no known format: expected Linkstack's (code, url, tags, ...), "
                        + "Shlink's (shortCode, longUrl), YOURLS' (keyword, url), Bitly's (link, long_url) or Kutt's (address, target)");
            }
            Set<String> seen = new HashSet<>();
            List<BulkInsert.NewLink> batch = new ArrayList<>(BATCH);
            Iterator<CSVRecord> records = parser.iterator();
            boolean limitReached = false;
            // hasNext reads the next row: that is where malformed CSV shows.
            while (records.hasNext()) {
                if (rows == maxRows) {
                    limitReached = true;
                    break;
                }
                rows++;
                CSVRecord record = records.next();
                try {
                    batch.add(row(rows, record, columns));
                } catch (DomainError e) {
                    skipped.add(new BulkInsert.Skipped(rows, null, "invalid", e.getMessage()));
                }
                if (batch.size() == BATCH) {
                    List<BulkInsert.Skipped> refused = bulk.insert(ownerId, batch, dryRun, seen);
                    skipped.addAll(refused);
                    written += dryRun ? 0 : batch.size() - refused.size();
                    batch.clear();
                }
            }
            skipped.addAll(bulk.insert(ownerId, batch, dryRun, seen));
            skipped.sort(java.util.Comparator.comparingInt(BulkInsert.Skipped::row));
            return new Report(columns.format().name().toLowerCase(java.util.Locale.ROOT), dryRun, rows, rows - skipped.size(),
                    skipped.size(), limitReached, skipped);
        } catch (IOException | UncheckedIOException e) {
            throw refusal(e, rows, written);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Commons CSV's word for a header it cannot use (e.g. an empty file).
            throw new InvalidInput("file", "Not a CSV file with a header row: " + e.getMessage());
        }
    }

    private static BulkInsert.NewLink row(int row, CSVRecord record, ImportFormat.Columns columns) {
        String url = value(record, columns.url());
        String code = value(record, columns.code());
        if (columns.format() == ImportFormat.BITLY && code != null) {
            // custom_bitlinks: one or more short URLs; the first custom back-half is the code people know.
            code = ImportFormat.codeOf(code.split("[\\s,\\[\\]\"']+")[code.startsWith("[") ? 1 : 0]);
        }
        if (code == null && columns.shortUrl() != null && columns.format() != ImportFormat.LINKSTACK) {
            String shortUrl = value(record, columns.shortUrl());
            code = shortUrl == null ? null : ImportFormat.codeOf(shortUrl.contains("/") ? shortUrl : "/" + shortUrl);
        }
        String created = value(record, columns.created());
        String expires = value(record, columns.expires());
        Instant expiresAt = null;
        if (expires != null) {
            expiresAt = ImportFormat.parseDate(expires);
            if (expiresAt == null) {
                throw new InvalidInput("expires_at", "Expiry '" + expires + "' is not a date");
            }
        }
        String tags = value(record, columns.tags());
        return new BulkInsert.NewLink(row, code, url, created == null ? null : ImportFormat.parseDate(created), expiresAt,
                Tags.parse(tags, "tags"));
    }

    private static String value(CSVRecord record, String column) {
        if (column == null || !record.isSet(column)) {
            return null;
        }
        String value = record.get(column).strip();
        return value.isEmpty() ? null : value;
    }

    private static String withoutBom(String name) {
        return name.startsWith("\uFEFF") ? name.substring(1) : name;
    }

    private RuntimeException refusal(Exception e, int rows, int written) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String done = written == 0 ? " Nothing was imported." : " " + written + " links of the rows before it were imported.";
        if (cause instanceof TooLarge) {
            return new WebApplicationException(ApiError.response(413, "payload_too_large",
                    "Import body is larger than " + maxBytes + " bytes." + done));
        }
        return new InvalidInput("file", "Malformed CSV after data row " + rows + ": " + cause.getMessage() + "." + done);
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("too large");
        }
    }

    /** Counts what is read: a body sent without a Content-Length meets the limit here. */
    private static final class Limited extends FilterInputStream {
        private final long max;
        private long read;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > max) {
                throw new TooLarge();
            }
        }
    }
}
