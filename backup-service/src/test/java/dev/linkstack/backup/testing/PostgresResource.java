package dev.linkstack.backup.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts Debian's PostgreSQL 15 with the fixture database and points the service at it. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    private TestPostgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = TestPostgres.startInstalled();
        return postgres.config();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(postgres, new TestInjector.AnnotatedAndMatchesType(InjectPostgres.class, TestPostgres.class));
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
