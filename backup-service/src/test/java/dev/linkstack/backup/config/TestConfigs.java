package dev.linkstack.backup.config;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.common.MapBackedConfigSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link BackupConfig} from plain key/value pairs over the service's own application.properties (where the defaults
 * of the settings with differently named variables live), for unit tests without a running application.
 */
public final class TestConfigs {
    private TestConfigs() {
    }

    public static BackupConfig backupConfig(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("backup.dir", "/tmp/unused"));
        all.putAll(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(BackupConfig.class)
                .addDefaultInterceptors()
                .withSources(new MapBackedConfigSource("test", all, 500) {
                })
                .withSources(applicationProperties())
                .build();
        return config.getConfigMapping(BackupConfig.class);
    }

    private static PropertiesConfigSource applicationProperties() {
        URL file = TestConfigs.class.getClassLoader().getResource("application.properties");
        try {
            return new PropertiesConfigSource(file, 250);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
