package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A proof whose recovery does not finish in time (a time limit of zero: the server is still starting when it
 * passes) fails with the time limit named, and the server that was running in recovery is stopped and its
 * directory removed.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RestoreProofTimeoutTest.NoTime.class, restrictToAnnotatedClass = true)
class RestoreProofTimeoutTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    public static class NoTime implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("backup.pitr.proof.timeout", "PT0S");
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void aProofPastItsTimeLimitFailsAndTheRecoveringServerIsStoppedAndRemoved() throws Exception {
        RestoreProofTest.awaitReceiverRunning(receiver);
        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201);
        Response response = authorized().contentType("application/json").body("{\"target\":\"latest\"}").post("/api/pitr/proofs");
        response.then().log().ifValidationFails().statusCode(422).body("ok", equalTo(false))
                .body("error", containsString("recovery did not reach the target within PT0S")).body("cleanedUp", equalTo(true));
        RestoreProofTest.assertLeftNothing(response.jsonPath().getString("scratchDirectory"));
    }
}
