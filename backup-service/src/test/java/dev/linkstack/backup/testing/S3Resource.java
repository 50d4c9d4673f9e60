package dev.linkstack.backup.testing;

import dev.linkstack.testing.S3ProxyServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** S3Proxy with an empty bucket; the service copies every backup there (5 MiB parts, the smallest S3 accepts). */
public class S3Resource implements QuarkusTestResourceLifecycleManager {
    public static final String BUCKET = "offsite-test";
    public static final long PART_SIZE = 5 * 1024 * 1024;
    private static S3ProxyServer server;

    public static S3ProxyServer server() {
        return server;
    }

    public static S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Override
    public Map<String, String> start() {
        server = new S3ProxyServer(Path.of("target/s3proxy/s3proxy.jar")).start();
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        return Map.of(
                "backup.offsite.endpoint", server.endpoint(),
                "backup.offsite.bucket", BUCKET,
                "backup.offsite.prefix", "shop/",
                "backup.offsite.access-key", S3ProxyServer.ACCESS_KEY,
                "backup.offsite.secret-key", S3ProxyServer.SECRET_KEY,
                "backup.offsite.part-size", String.valueOf(PART_SIZE),
                "backup.offsite.keep-last", "2",
                "backup.offsite.retention-days", "0");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
