package dev.linkstack.backup.testing;

import java.util.HashMap;
import java.util.Map;

/** {@link PostgresResource} with a restore role configured ({@code backup.restore.role}); the role itself is not created. */
public class RestoreRoleResource extends PostgresResource {
    public static final String ROLE = "shop_restorer";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("backup.restore.role", ROLE);
        return config;
    }
}
