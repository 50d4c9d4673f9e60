package dev.linkstack.bench.floor;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * The bare-framework floor: {@code GET /{code}} answers the same 302 as app-service (Location and Cache-Control)
 * from a map loaded at start from the file named by BENCH_LINKS_FILE ("code url" per line), on the event loop,
 * with nothing else — no lookup tiers, no click counting, no metrics.
 */
@Path("/")
public class FloorRedirect {
    private static final Map<String, String> LINKS = load();

    @GET
    @Path("{code}")
    @NonBlocking
    public Response redirect(@PathParam("code") String code) {
        String url = LINKS.get(code);
        if (url == null) {
            return Response.status(404).build();
        }
        return Response.status(302).header(HttpHeaders.LOCATION, url).header(HttpHeaders.CACHE_CONTROL, "private, max-age=0").build();
    }

    private static Map<String, String> load() {
        String file = System.getenv("BENCH_LINKS_FILE");
        Map<String, String> links = new HashMap<>();
        if (file == null || file.isBlank()) {
            return links;
        }
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of(file))) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    links.put(line.substring(0, space), line.substring(space + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(links);
    }
}
