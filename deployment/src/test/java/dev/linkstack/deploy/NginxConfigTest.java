package dev.linkstack.deploy;

import dev.linkstack.testing.Processes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class NginxConfigTest {
    static final String CONFIG = "deploy/nginx/nginx.conf";

    /**
     * nginx -t on the committed file as it is. Its upstreams are Compose service names, which only resolve on the
     * Compose network: the check runs in a private mount namespace whose /etc/hosts maps them to loopback.
     */
    @Test
    void nginxAcceptsTheGeneratedConfiguration() throws IOException {
        Path hosts = Files.createTempFile("hosts", ".test");
        StringBuilder names = new StringBuilder("127.0.0.1 localhost");
        for (int i = 1; i <= DeploymentModel.APP_INSTANCES; i++) {
            names.append(' ').append(DeploymentModel.appInstanceName(i));
        }
        Files.writeString(hosts, names + "\n");
        String output = Processes.run(Duration.ofSeconds(60), List.of("unshare", "--mount", "--fork", "sh", "-c",
                "mount --bind " + hosts + " /etc/hosts && nginx -t -c " + RepositoryFiles.path(CONFIG)));
        assertTrue(output.contains("test is successful"), output);
    }

    @Test
    void theEdgeRulesAreInPlace() {
        String config = RepositoryFiles.read(CONFIG);
        assertTrue(config.contains("location ^~ /q/ {") && config.contains("return 404"), "/q/ blocked");
        assertTrue(config.contains("limit_req_zone $credential_attempt zone=auth") && config.contains("POST    $binary_remote_addr;")
                && config.contains("location ~ \"^/(api/auth|account)/(login|register)(/|;|$)\" {"), "credential rate limit on POSTs of the API and forms");
        assertTrue(config.contains("client_max_body_size 64k;"), "body size limit");
        assertTrue(config.contains("keepalive 256;"), "upstream keepalive");
        for (String header : List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")) {
            assertTrue(config.contains("proxy_set_header " + header), header);
        }
        // The edge owns the client address: it never appends to (or passes on) forwarded headers the client wrote.
        assertTrue(config.contains("proxy_set_header X-Forwarded-For $remote_addr;"), "X-Forwarded-For is the address Nginx saw");
        assertTrue(!config.contains("$proxy_add_x_forwarded_for") && !config.contains("$http_x_forwarded_for"), "nothing of the client's header");
        for (String header : List.of("Forwarded", "X-Forwarded-Prefix", "X-Forwarded-Ssl")) {
            assertTrue(config.contains("proxy_set_header " + header + " \"\";"), header + " cleared");
        }
        for (String header : List.of("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy")) {
            assertTrue(config.contains("add_header " + header), header);
        }
        assertTrue(config.contains("upstream_time=$upstream_response_time"), "access log with upstream time");
    }
}
