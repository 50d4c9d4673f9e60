package dev.linkstack.app.backend;

import io.quarkus.arc.lookup.LookupIfProperty;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready only while the Redis of sessions and counters answers. It replaces Quarkus' own Redis check, which asks every
 * client: the redirect cache's Redis is not needed to serve (redirects fall back to the database), so its outage must
 * not take every instance out of the load balancer.
 */
@Readiness
@ApplicationScoped
@LookupIfProperty(name = "app.backend", stringValue = "redis")
class StateRedisReadiness implements HealthCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Inject
    Instance<ReactiveRedisDataSource> redis;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Redis connection health check");
        try {
            return response.withData("default", redis.get().execute("PING").await().atMost(TIMEOUT).toString()).up().build();
        } catch (RuntimeException e) {
            return response.withData("default", String.valueOf(e.getMessage())).down().build();
        }
    }
}
