package dev.linkstack.deploy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Nginx in front of the app instances: the only published port. Rendered for the Compose network (upstreams
 * by service name) and, by the topology test, for loopback addresses; everything else is the same text.
 */
public final class NginxConfig {
    /** Where Nginx listens and writes; differs between the container and a test run on the host. */
    public record Site(int listenPort, List<String> upstreams, String runtimeDir, String accessLog, String errorLog) {
    }

    /** Largest request body Nginx passes on; the app's own limit (16 KiB of JSON) is below it. */
    static final String MAX_BODY = "64k";

    private NginxConfig() {
    }

    /** The site of the production Compose file. */
    public static Site compose() {
        List<String> upstreams = new java.util.ArrayList<>();
        for (int i = 1; i <= DeploymentModel.APP_INSTANCES; i++) {
            upstreams.add(DeploymentModel.appInstanceName(i) + ":" + DeploymentModel.APP_PORT);
        }
        return new Site(DeploymentModel.NGINX_PORT, upstreams, "/tmp", "/dev/stdout", "/dev/stderr");
    }

    public static String render(Site site, String header) {
        String servers = site.upstreams().stream()
                .map(address -> "        server " + address + " max_fails=2 fail_timeout=5s;")
                .collect(Collectors.joining("\n"));
        String dir = site.runtimeDir();
        return header + """
                worker_processes auto;
                pid %1$s/nginx.pid;
                error_log %2$s warn;

                events {
                    worker_connections 1024;
                }

                http {
                    default_type application/octet-stream;
                    server_tokens off;
                    sendfile on;
                    keepalive_timeout 65s;
                    client_max_body_size %3$s;
                    client_body_timeout 10s;
                    client_header_timeout 10s;

                    # Writable paths under one directory: the container's root filesystem is read-only.
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;

                    log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                                     '"$http_referer" "$http_user_agent" rt=$request_time '
                                     'upstream=$upstream_addr upstream_status=$upstream_status upstream_time=$upstream_response_time';
                    access_log %4$s timed;

                    # Password guessing: a few sign-in or registration attempts per minute and client address, API and
                    # forms in one budget. Only POSTs count (an empty key is never limited): opening the form is free.
                    map $request_method $credential_attempt {
                        POST    $binary_remote_addr;
                        default "";
                    }
                    limit_req_zone $credential_attempt zone=auth:10m rate=10r/m;
                    limit_req_status 429;

                    upstream app {
                        least_conn;
                %5$s
                        # Idle connections kept per worker: above the client concurrency, or Nginx keeps closing and
                        # reopening upstream connections under load (bench/run: more throughput, lower p99).
                        keepalive 256;
                    }

                    server {
                        listen %6$d;
                        server_name _;

                        add_header X-Content-Type-Options "nosniff" always;
                        add_header X-Frame-Options "DENY" always;
                        add_header Referrer-Policy "strict-origin-when-cross-origin" always;
                        add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'" always;
                        add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;

                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        # Nginx is the edge: the client address is the one it saw, never what the client wrote in its own
                        # X-Forwarded-For (the app takes the leftmost entry, so appending would let every client pick the
                        # address the sign-in throttle counts). Forwarded headers Nginx does not set are dropped.
                        proxy_set_header X-Real-IP $remote_addr;
                        proxy_set_header X-Forwarded-For $remote_addr;
                        proxy_set_header Forwarded "";
                        proxy_set_header X-Forwarded-Prefix "";
                        proxy_set_header X-Forwarded-Ssl "";
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_set_header X-Forwarded-Host $host;
                        proxy_set_header X-Forwarded-Port $server_port;
                        proxy_connect_timeout 2s;
                        proxy_read_timeout 30s;
                        # An instance going away mid-request: retry safe requests on the next one.
                        proxy_next_upstream error timeout http_502 http_503;
                        proxy_next_upstream_tries 2;

                        # Nginx's own liveness, for the container health check.
                        location = /healthz {
                            access_log off;
                            default_type text/plain;
                            return 200 "ok\\n";
                        }

                        # Health, metrics and OpenAPI of the instances stay inside.
                        location ^~ /q/ {
                            default_type application/json;
                            return 404 '{"status":404,"error":"not_found","message":"Not Found"}';
                        }

                        # Credential endpoints: the JSON API and the pages' forms, also spelt with a trailing slash or
                        # matrix parameters (";x"), which reach the same resources in the app.
                        location ~ "^/(api/auth|account)/(login|register)(/|;|$)" {
                            limit_req zone=auth burst=5 nodelay;
                            proxy_pass http://app;
                        }

                        location / {
                            proxy_pass http://app;
                        }
                    }
                }
                """.formatted(dir, site.errorLog(), MAX_BODY, site.accessLog(), servers, site.listenPort());
    }
}
