package dev.linkstack.backup.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON of the files the service keeps (backup metadata, run manifests, off-site metadata objects): ISO dates,
 * indented so an operator can read them. Its own mapper, not the REST one: the stores are also used outside CDI.
 */
public final class StoreJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private StoreJson() {
    }
}
