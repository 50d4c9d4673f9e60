package dev.linkstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.linkstack.deploy.ComposeFilesTest.texts;
import static dev.linkstack.deploy.KubernetesManifestsTest.object;
import static dev.linkstack.deploy.KubernetesManifestsTest.secretKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the generated Compose and Kubernetes files give PostgreSQL for backup-service's WAL archive: the WAL settings,
 * a pg_hba file whose only replication line names the replication role, that role's password for postgres and the
 * backup-service alone, and a WAL volume. ReplicationAccessTest runs the same files on a real server.
 */
class WalArchivingFilesTest {
    private static final String ROLE = WalArchiving.REPLICATION_ROLE;

    /** One pg_hba rule: connection type, databases, users, address (empty for local), method. */
    record HbaRule(String type, List<String> databases, List<String> users, String address, String method) {
    }

    /** The rules of a pg_hba file, in order; comments and blank lines left out. */
    static List<HbaRule> rules(String hbaFile) {
        List<HbaRule> rules = new ArrayList<>();
        for (String line : hbaFile.lines().toList()) {
            String content = line.replaceAll("#.*", "").strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("\\s+");
            boolean local = fields[0].equals("local");
            assertEquals(local ? 4 : 5, fields.length, "one rule per line, no options: " + line);
            rules.add(new HbaRule(fields[0], List.of(fields[1].split(",")), List.of(fields[2].split(",")), local ? "" : fields[3],
                    fields[local ? 3 : 4]));
        }
        return rules;
    }

    /**
     * The promises of a pg_hba file: exactly one rule admits replication connections, for the replication role alone and
     * with a password; the role's only other rule rejects it, ahead of every rule that would let it in; nothing trusts.
     */
    static void assertReplicationForTheRoleAlone(List<HbaRule> rules, String expectedAddress) {
        List<HbaRule> replication = rules.stream().filter(rule -> rule.databases().contains("replication")).toList();
        assertEquals(1, replication.size(), "exactly one replication rule: " + rules);
        HbaRule only = replication.get(0);
        assertEquals(List.of(ROLE), only.users(), "the replication rule names the replication role and no other");
        assertEquals(List.of("replication"), only.databases());
        assertEquals("host", only.type());
        assertEquals(expectedAddress, only.address());
        assertEquals("scram-sha-256", only.method());
        int reject = -1;
        for (int i = 0; i < rules.size(); i++) {
            HbaRule rule = rules.get(i);
            assertFalse(rule.method().equals("trust"), "no rule trusts: " + rule);
            if (rule.users().contains(ROLE) && rule != only) {
                assertEquals("reject", rule.method(), "the role's other rule refuses it: " + rule);
                assertEquals(List.of("all"), rule.databases());
                reject = i;
            }
        }
        assertTrue(reject >= 0, "the replication role is rejected for every database");
        for (int i = 0; i < reject; i++) {
            HbaRule before = rules.get(i);
            assertFalse(before != only && before.type().startsWith("host") && before.users().contains("all") && !before.method().equals("reject"),
                    "a rule before the reject would let the replication role open sessions: " + before);
        }
    }

    @Test
    void theChecksCatchAReplicationLineForAnotherRoleOrAMissingReject() {
        assertReplicationForTheRoleAlone(rules(Generator.composeHbaFile()), WalArchiving.COMPOSE_REPLICATION_FROM);
        String everyRole = "host replication all samenet scram-sha-256\n" + "host all " + ROLE + " all reject\n";
        assertThrows(AssertionError.class, () -> assertReplicationForTheRoleAlone(rules(everyRole), "samenet"));
        String second = "host replication " + ROLE + " samenet scram-sha-256\nhost replication linkstack_backup samenet scram-sha-256\n"
                + "host all " + ROLE + " all reject\n";
        assertThrows(AssertionError.class, () -> assertReplicationForTheRoleAlone(rules(second), "samenet"));
        String noReject = "host replication " + ROLE + " samenet scram-sha-256\nhost all all all scram-sha-256\n";
        assertThrows(AssertionError.class, () -> assertReplicationForTheRoleAlone(rules(noReject), "samenet"));
        String rejectTooLate = "host replication " + ROLE + " samenet scram-sha-256\nhost all all all scram-sha-256\nhost all " + ROLE + " all reject\n";
        assertThrows(AssertionError.class, () -> assertReplicationForTheRoleAlone(rules(rejectTooLate), "samenet"));
    }

    @Test
    void composeRunsPostgresWithTheWalSettingsAndTheGeneratedPgHba() {
        JsonNode postgres = RepositoryFiles.yaml(ComposeFilesTest.PRODUCTION).at("/services/postgres");
        List<String> command = texts(postgres.path("command"));
        assertEquals("postgres", command.get(0), "the image's entrypoint still runs its init scripts before the server");
        Map<String, String> settings = settings(command);
        assertEquals(WalArchiving.HBA_FILE, settings.get("hba_file"));
        assertEquals("replica", settings.get("wal_level"));
        assertTrue(Integer.parseInt(settings.get("max_wal_senders")) >= 2, "pg_receivewal and a base backup's WAL stream at once");
        assertTrue(Integer.parseInt(settings.get("max_replication_slots")) >= 2, "the archive's slot and a base backup's temporary one");
        assertEquals(WalArchiving.MAX_SLOT_WAL_KEEP_SIZE, settings.get("max_slot_wal_keep_size"), "a cap on what the slot holds back");
        assertTrue(texts(postgres.path("volumes")).contains("./postgres/pg_hba.conf:" + WalArchiving.HBA_FILE + ":ro"), "the pg_hba file, read-only");
        assertEquals(Generator.composeHbaFile(), RepositoryFiles.read(WalArchiving.HBA_PATH));
        assertReplicationForTheRoleAlone(rules(RepositoryFiles.read(WalArchiving.HBA_PATH)), "samenet");
        // samenet is the backend network only because PostgreSQL is attached to nothing else.
        assertEquals(List.of(DeploymentModel.BACKEND_NETWORK), texts(postgres.path("networks")));
        assertEquals("linkstack_replication", postgres.at("/environment/BACKUP_REPLICATION_USER").asText());
    }

    @Test
    void composeGivesTheReplicationPasswordToPostgresAndTheBackupServiceOnly() {
        JsonNode services = RepositoryFiles.yaml(ComposeFilesTest.PRODUCTION).path("services");
        Set<String> holders = new TreeSet<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().toString().contains("BACKUP_REPLICATION_PASSWORD")) {
                holders.add(service.getKey());
            }
        });
        assertEquals(Set.of("backup", "postgres"), holders);
        JsonNode backup = services.at("/backup/environment");
        assertEquals(ROLE, backup.path("BACKUP_WAL_USER").asText());
        assertTrue(backup.path("BACKUP_WAL_PASSWORD").asText().startsWith("${BACKUP_REPLICATION_PASSWORD:?"), "a required secret");
        assertEquals(WalArchiving.WAL_DIR, backup.path("BACKUP_WAL_DIR").asText());
        assertEquals("${BACKUP_WAL_ENABLED:-true}", backup.path("BACKUP_WAL_ENABLED").asText(), "on unless turned off");
        assertEquals("${BACKUP_BASE_CRON:-0 0 2 * * ?}", backup.path("BACKUP_BASE_CRON").asText(), "a base backup daily");
        assertTrue(texts(services.at("/backup/volumes")).contains("${BACKUP_WAL_HOST_DIR:-../backups-wal}:" + WalArchiving.WAL_DIR),
                "the WAL archive on a folder of its own: " + services.at("/backup/volumes"));
        assertTrue(RepositoryFiles.read(".env.production.example").contains("BACKUP_REPLICATION_PASSWORD=" + EnvVar.PLACEHOLDER_MARKER));
    }

    @Test
    void kubernetesRunsPostgresWithTheSameSettingsAndItsOwnPgHba() {
        StatefulSet set = (StatefulSet) object("StatefulSet", "postgres");
        Container postgres = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(texts(RepositoryFiles.yaml(ComposeFilesTest.PRODUCTION).at("/services/postgres/command")), postgres.getArgs(),
                "the same server arguments as Compose");
        assertTrue(postgres.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(WalArchiving.CONFIG_DIR)
                && m.getName().equals(KubernetesManifests.POSTGRES_CONFIG) && Boolean.TRUE.equals(m.getReadOnly())));
        assertTrue(set.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals(KubernetesManifests.POSTGRES_CONFIG)));
        String hba = ((ConfigMap) object("ConfigMap", KubernetesManifests.POSTGRES_CONFIG)).getData().get(WalArchiving.HBA_NAME);
        assertReplicationForTheRoleAlone(rules(hba), "all");
        assertEquals(WalArchiving.KUBERNETES_REPLICATION_FROM, "all");
        assertEquals(rules(Generator.composeHbaFile()).stream().filter(r -> !r.databases().contains("replication")).toList(),
                rules(hba).stream().filter(r -> !r.databases().contains("replication")).toList(), "the other rules as in Compose");
        assertEquals("BACKUP_REPLICATION_PASSWORD", secretKey(postgres, "BACKUP_REPLICATION_PASSWORD"));
    }

    @Test
    void kubernetesGivesTheReplicationPasswordToPostgresAndTheBackupServiceOnly() {
        Set<String> holders = new TreeSet<>();
        for (HasMetadata object : KubernetesManifestsTest.objects()) {
            PodTemplateSpec template = KubernetesManifestsTest.template(object);
            if (template == null) {
                continue;
            }
            for (Container container : template.getSpec().getContainers()) {
                if (container.getEnv().stream().anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                        && e.getValueFrom().getSecretKeyRef().getKey().equals("BACKUP_REPLICATION_PASSWORD"))) {
                    holders.add(container.getName());
                }
            }
        }
        assertEquals(Set.of("backup-service", "postgres"), holders);
        Deployment backup = (Deployment) object("Deployment", "backup-service");
        Container container = backup.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("BACKUP_REPLICATION_PASSWORD", secretKey(container, "BACKUP_WAL_PASSWORD"));
        Map<String, String> config = KubernetesManifests.backupConfig();
        assertEquals(ROLE, config.get("BACKUP_WAL_USER"));
        assertEquals(WalArchiving.WAL_DIR, config.get("BACKUP_WAL_DIR"));
        assertEquals("true", config.get("BACKUP_WAL_ENABLED"), "on unless turned off");
        assertEquals("0 0 2 * * ?", config.get("BACKUP_BASE_CRON"), "a base backup daily");
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(WalArchiving.WAL_DIR) && m.getName().equals("wal")));
        assertTrue(backup.getSpec().getTemplate().getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals("wal")
                && v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName().equals(KubernetesManifests.WAL_CLAIM)));
        object("PersistentVolumeClaim", KubernetesManifests.WAL_CLAIM);
        assertEquals(1001L, backup.getSpec().getTemplate().getSpec().getSecurityContext().getFsGroup(), "the claims are writable by the service");
        for (String overlay : List.of("dev", "prod")) {
            assertTrue(RepositoryFiles.read("deploy/kubernetes/overlays/" + overlay + "/secrets.env.example")
                    .contains("BACKUP_REPLICATION_PASSWORD=" + EnvVar.PLACEHOLDER_MARKER), overlay);
        }
    }

    @Test
    void theInitScriptCreatesTheReplicationRoleWithNothingButReplication() {
        String script = RepositoryFiles.read(DatabaseRoles.SCRIPT_PATH);
        List<String> mentions = script.lines().filter(line -> !line.startsWith("--") && !line.startsWith("#") && line.contains(":\"replication\"")).toList();
        assertEquals(List.of("CREATE ROLE :\"replication\" LOGIN REPLICATION NOINHERIT PASSWORD :'replication_password';"), mentions,
                "created once, granted nothing, member of nothing");
    }

    private static Map<String, String> settings(List<String> command) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (int i = 1; i < command.size(); i += 2) {
            assertEquals("-c", command.get(i), command.toString());
            String[] setting = command.get(i + 1).split("=", 2);
            settings.put(setting[0], setting[1]);
        }
        return settings;
    }
}
