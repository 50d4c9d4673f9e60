package dev.linkstack.backup.config;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;

import java.util.HashMap;
import java.util.Map;

/** A {@link BackupConfig} from plain key/value pairs, for unit tests without a running application. */
public final class TestConfigs {
    private TestConfigs() {
    }

    public static BackupConfig backupConfig(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("backup.dir", "/tmp/unused"));
        all.putAll(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(BackupConfig.class)
                .withSources(new MapBackedConfigSource("test", all, 500) {
                })
                .build();
        return config.getConfigMapping(BackupConfig.class);
    }
}
