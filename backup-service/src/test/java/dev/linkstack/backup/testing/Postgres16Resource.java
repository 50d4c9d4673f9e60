package dev.linkstack.backup.testing;

import dev.linkstack.testing.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A PostgreSQL 16 server while the client programs stay at 15: pg_dump is too old for it. */
public class Postgres16Resource implements QuarkusTestResourceLifecycleManager {
    private TestPostgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = TestPostgres.start(PostgresServer.bundled());
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
