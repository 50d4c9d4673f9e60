package dev.linkstack.app.links.transfer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.app.links.Link;
import dev.linkstack.app.links.LinkService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** All of a user's links as CSV or JSON, written as they are read a page at a time (never all in memory). */
@ApplicationScoped
public class LinkExport {
    /** Linkstack's own CSV columns; {@link ImportFormat} reads them back. */
    static final String[] HEADER = {"code", "short_url", "url", "created_at", "expires_at", "tags", "clicks"};
    private static final int PAGE = 500;

    private final LinkService links;
    private final ObjectMapper json;

    LinkExport(LinkService links, ObjectMapper json) {
        this.links = links;
        this.json = json;
    }

    /** {@code shortBase}: the short URL of the empty code (the public base URL, with its trailing slash). */
    public StreamingOutput csv(long ownerId, String shortBase) {
        return out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(HEADER).get());
            walk(ownerId, link -> printer.printRecord(link.code, shortBase + link.code, link.targetUrl, text(link.createdAt),
                    text(link.expiresAt), String.join(" ", link.tags), link.clickCount), printer::flush);
            printer.flush();
        };
    }

    public StreamingOutput json(long ownerId, String shortBase) {
        return out -> {
            JsonGenerator generator = json.getFactory().createGenerator(out);
            generator.writeStartArray();
            walk(ownerId, link -> {
                generator.writeStartObject();
                generator.writeStringField("code", link.code);
                generator.writeStringField("shortUrl", shortBase + link.code);
                generator.writeStringField("url", link.targetUrl);
                generator.writeStringField("createdAt", text(link.createdAt));
                generator.writeStringField("expiresAt", link.expiresAt == null ? null : text(link.expiresAt));
                generator.writeArrayFieldStart("tags");
                for (String tag : link.tags) {
                    generator.writeString(tag);
                }
                generator.writeEndArray();
                generator.writeNumberField("clicks", link.clickCount);
                generator.writeEndObject();
            }, generator::flush);
            generator.writeEndArray();
            generator.flush();
        };
    }

    private interface Each {
        void write(Link link) throws IOException;
    }

    private interface PageDone {
        void run() throws IOException;
    }

    private void walk(long ownerId, Each each, PageDone pageDone) throws IOException {
        long after = 0;
        while (true) {
            List<Link> page = links.after(ownerId, after, PAGE);
            for (Link link : page) {
                each.write(link);
            }
            pageDone.run();
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).id;
        }
    }

    private static String text(Instant instant) {
        return instant == null ? "" : instant.toString();
    }
}
