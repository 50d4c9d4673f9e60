package dev.linkstack.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table {@code bench/run} prints at the end and keeps in bench/results/summary.txt (the README quotes it). */
final class SummaryTable {
    private SummaryTable() {
    }

    /** The previous build (BENCH_APP_JAR) against the current one: medians over the rounds with their spread. */
    @SuppressWarnings("unchecked")
    private static void previousBuild(StringBuilder out, Map<String, Object> p, boolean smoke) {
        Map<String, Map<String, Object>> s = (Map<String, Map<String, Object>>) p.get("median_and_spread");
        Map<String, Object> rss = (Map<String, Object>) p.get("rss_after_redirects_mb");
        Map<String, Object> exact = (Map<String, Object>) p.get("clicks_exact");
        Map<String, Object> clicks = (Map<String, Object>) p.get("clicks");
        String revision = String.valueOf(p.get("revision"));
        out.append(String.format(Locale.ROOT, "   previous build (j behind Nginx, k direct; same rounds): %s%n      %s%n", p.get("quarkus_app"),
                revision.length() > 100 ? revision.substring(0, 100) + "..." : revision));
        out.append(String.format(Locale.ROOT, "   new vs previous, median [min..max] of %d rounds: b(new)/b(prev) %s   c(new)/c(prev) %s%n",
                ((List<?>) p.get("per_round")).size(), spread(s, "b_new_over_previous"), spread(s, "c_new_over_previous")));
        out.append(String.format(Locale.ROOT, "      b/a new %s  previous %s;  c/d new %s  previous %s%n", spread(s, "b_over_a_new"),
                spread(s, "b_over_a_previous"), spread(s, "c_over_d_new"), spread(s, "c_over_d_previous")));
        out.append(String.format(Locale.ROOT, "      p99 ms: b new %s  previous %s;  c new %s  previous %s%n", spread(s, "p99_b_new_ms"),
                spread(s, "p99_b_previous_ms"), spread(s, "p99_c_new_ms"), spread(s, "p99_c_previous_ms")));
        out.append(String.format(Locale.ROOT, "      RSS after %s redirects: new %s MB, previous %s MB, difference %+.1f MB%n", p.get("redirects_before_rss"),
                rss.get("new"), rss.get("previous"), ((Number) rss.get("difference")).doubleValue()));
        out.append(String.format(Locale.ROOT, "      clicks exact: new %s, previous %s (previous: answered %s, stored %s; closed loop %s -> %s)%n",
                exact.get("new"), exact.get("previous"), clicks.get("app_302_responses"), clicks.get("stored_click_count"),
                clicks.get("closed_loop_302_responses"), clicks.get("closed_loop_stored_clicks")));
        out.append(String.format(Locale.ROOT, "      target (%s): %s%s%n", p.get("target"), (Boolean) p.get("target_met") ? "met" : "MISSED",
                smoke ? " (smoke run: figures meaningless)" : ""));
    }

    private static String spread(Map<String, Map<String, Object>> spreads, String name) {
        Map<String, Object> s = spreads.get(name);
        return s.get("median") + " [" + s.get("min") + ".." + s.get("max") + "]";
    }

    @SuppressWarnings("unchecked")
    static String render(BenchRun bench) {
        boolean smoke = bench.smoke;
        Map<String, Object> results = bench.results;
        Sizes sizes = bench.sizes;
        List<Map<String, Object>> targets = bench.targets;
        StringBuilder out = new StringBuilder();
        out.append("Linkstack benchmarks (").append(smoke ? "SMOKE: tiny sizes, figures meaningless" : "full run").append(")\n\n");
        Object redirect = results.get("redirect");
        if (redirect instanceof Map<?, ?> r) {
            out.append(String.format(Locale.ROOT, "1. Redirects: %s links, %s connections, best of %s x %s s%n", r.get("links"), r.get("connections"),
                    r.get("rounds"), r.get("seconds_per_run")));
            out.append(String.format(Locale.ROOT, "   %-28s %12s %9s %9s %7s%n", "target", "req/s", "p50 ms", "p99 ms", "errors"));
            ((Map<String, Map<String, Object>>) r.get("runs")).forEach((name, run) -> out.append(String.format(Locale.ROOT,
                    "   %-28s %12.0f %9.2f %9.2f %7s%n", name, ((Number) run.get("req_per_s")).doubleValue(), ((Number) run.get("p50_ms")).doubleValue(),
                    ((Number) run.get("p99_ms")).doubleValue(), run.get("errors"))));
            out.append(String.format(Locale.ROOT, "   b/e = %s   c/d = %s   b/a = %s   (e/a = %s: bare Quarkus behind the same Nginx)%n", r.get("ratio_b_over_e"),
                    r.get("ratio_c_over_d"), r.get("ratio_b_over_a"), r.get("ratio_e_over_a")));
            for (String tail : List.of("p99_b_over_p99_e", "p99_c_over_p99_d")) {
                if (r.get(tail) instanceof Map<?, ?> t) {
                    out.append(String.format(Locale.ROOT, "   %s, same round: median %s, rounds %s%n", tail.replace("_over_", " / ").replace("_", " "),
                            t.get("median"), t.get("rounds")));
                }
            }
            if (r.get("ratio_native_over_jvm_direct_h_over_c") != null) {
                out.append(String.format(Locale.ROOT, "   native executable vs JVM: direct h/c = %s, behind Nginx i/b = %s%n",
                        r.get("ratio_native_over_jvm_direct_h_over_c"), r.get("ratio_native_over_jvm_behind_nginx_i_over_b")));
            }
            out.append(String.format(Locale.ROOT, "   upstream keepalive 32 (the earlier setting) instead of 256: g/f = %s, g/b = %s (not a target)%n",
                    r.get("ratio_g_over_f_keepalive32"), r.get("ratio_g_over_b_keepalive32")));
            Map<String, Object> clicks = (Map<String, Object>) r.get("clicks");
            out.append(String.format(Locale.ROOT, "   clicks: app answered %s redirects (+ %s by instances stopped before), database holds %s; closed-loop client %s 302s -> %s stored; exact: %s%n",
                    clicks.get("app_302_responses"), clicks.getOrDefault("stopped_instances_302_responses", 0), clicks.get("stored_click_count"), clicks.get("closed_loop_302_responses"),
                    clicks.get("closed_loop_stored_clicks"), clicks.get("exact")));
            if (r.get("previous_build") instanceof Map<?, ?> p) {
                previousBuild(out, (Map<String, Object>) p, smoke);
            }
            out.append('\n');
        }
        if (results.get("backup") instanceof Map<?, ?> b) {
            out.append(String.format(Locale.ROOT, "2. Backup of a %s MB pgbench database (best of %d)%n", b.get("database_mb"), sizes.backupRounds()));
            out.append(String.format(Locale.ROOT, "   pg_dump alone (> /dev/null): %.1f s%n", ((Number) b.get("pg_dump_to_dev_null_ms")).doubleValue() / 1000));
            out.append(String.format(Locale.ROOT, "   gzip: raw pg_dump|gzip %.1f s (%s MB), service %.1f s (%s MB), ratio %s%n",
                    ((Number) b.get("raw_gzip_ms")).doubleValue() / 1000, b.get("raw_gzip_mb"), ((Number) b.get("service_gzip_ms")).doubleValue() / 1000,
                    b.get("service_gzip_mb"), b.get("ratio_gzip_service_over_raw")));
            out.append(String.format(Locale.ROOT, "   zstd: raw pg_dump|zstd %.1f s (%s MB), service %.1f s (%s MB), ratio %s; service / pg_dump alone %s%n",
                    ((Number) b.get("raw_zstd_ms")).doubleValue() / 1000, b.get("raw_zstd_mb"), ((Number) b.get("service_zstd_ms")).doubleValue() / 1000,
                    b.get("service_zstd_mb"), b.get("ratio_zstd_service_over_raw"), b.get("ratio_zstd_service_over_pg_dump_alone")));
            if (b.get("ratio_gzip_native_over_raw") != null) {
                out.append(String.format(Locale.ROOT, "   native service: gzip %s ms (runs), ratio %s; zstd %s ms (runs), ratio %s%n",
                        b.get("native_gzip_ms_runs"), b.get("ratio_gzip_native_over_raw"), b.get("native_zstd_ms_runs"), b.get("ratio_zstd_native_over_raw")));
            }
            out.append('\n');
        }
        if (results.get("memory") instanceof Map<?, ?> m) {
            out.append(String.format(Locale.ROOT, "3. Backup memory: peak RSS %s MB (%s MB db) vs %s MB (%s MB db): difference %s MB%n%n",
                    m.get("peak_rss_big_backup_mb"), m.get("big_database_mb"), m.get("peak_rss_small_backup_mb"), m.get("small_database_mb"), m.get("difference_mb")));
        }
        if (results.get("restore") instanceof Map<?, ?> rs) {
            out.append(String.format(Locale.ROOT, "4. Restore of %s MB gzip: raw gunzip|psql %.1f s, service %.1f s, ratio %s%n", rs.get("file_mb"),
                    ((Number) rs.get("raw_gunzip_psql_ms")).doubleValue() / 1000, ((Number) rs.get("service_ms")).doubleValue() / 1000,
                    rs.get("ratio_service_over_raw")));
            out.append(String.format(Locale.ROOT, "   the service also counts every table's rows: the same counts after the raw restore took %.1f s"
                    + " (service / (raw + count) = %s)%n", ((Number) rs.get("row_count_after_raw_restore_ms")).doubleValue() / 1000,
                    rs.get("ratio_service_over_raw_plus_row_count")));
            if (rs.get("native_service_ms") != null) {
                out.append(String.format(Locale.ROOT, "   native service: %.1f s, ratio %s%n", ((Number) rs.get("native_service_ms")).doubleValue() / 1000,
                        rs.get("ratio_native_over_raw")));
            }
            out.append('\n');
        }
        if (results.get("pitr_restore") instanceof Map<?, ?> p) {
            out.append(String.format(Locale.ROOT, "7. Point-in-time restore (pgbench scale %s, base backup %s MB) to a time, until promoted:"
                            + " by hand (tar, gunzip, restore_command) %.1f s, service %.1f s, ratio %s%n%n", p.get("pgbench_scale"),
                    p.get("base_backup_mb"), ((Number) p.get("by_hand_ms")).doubleValue() / 1000, ((Number) p.get("service_ms")).doubleValue() / 1000,
                    p.get("ratio_service_over_by_hand")));
        }
        if (results.get("startup") instanceof Map<?, ?> s) {
            out.append("5. Start-up to /q/health/ready UP and footprint (JVM: each service's src/main/jvm/jvm.options and class archive; native executable)\n");
            for (String key : List.of("app_service", "app_service_jdk17", "app_service_previous")) {
                if (s.get(key) instanceof Map<?, ?> a) {
                    out.append(String.format(Locale.ROOT, "   app-service%s, %s: ready %s ms (runs %s; CPU %s ms; first start with migrations %s ms), RSS %s MB"
                                    + " (anon %s, file %s) after %s redirects%n",
                            key.endsWith("previous") ? ", previous build (BENCH_APP_JAR)" : "", a.get("jvm"), a.get("ready_ms"), a.get("ready_ms_runs"),
                            a.get("cpu_ms_at_ready"), a.get("first_start_with_migrations_ms"), a.get("rss_after_redirects_mb"), a.get("rss_anon_mb"),
                            a.get("rss_file_mb"), a.get("redirects_before_rss")));
                }
            }
            for (String key : List.of("backup_service", "backup_service_jdk17")) {
                if (s.get(key) instanceof Map<?, ?> a) {
                    out.append(String.format(Locale.ROOT, "   backup-service, %s: ready %s ms (runs %s; CPU %s ms), RSS %s MB after two small backups%n",
                            a.get("jvm"), a.get("ready_ms"), a.get("ready_ms_runs"), a.get("cpu_ms_at_ready"), a.get("rss_after_two_small_backups_mb")));
                }
            }
            if (s.get("app_service_native") instanceof Map<?, ?> a) {
                out.append(String.format(Locale.ROOT, "   app-service native:    ready %s ms (runs %s), RSS %s MB after %s redirects%n",
                        a.get("ready_ms"), a.get("ready_ms_runs"), a.get("rss_after_redirects_mb"), a.get("redirects_before_rss")));
            }
            if (s.get("backup_service_native") instanceof Map<?, ?> a) {
                out.append(String.format(Locale.ROOT, "   backup-service native: ready %s ms (runs %s), RSS %s MB after two small backups%n",
                        a.get("ready_ms"), a.get("ready_ms_runs"), a.get("rss_after_two_small_backups_mb")));
            }
            out.append("   native: ").append(results.get("native")).append("\n\n");
        }
        out.append("Targets").append(smoke ? " (smoke run: not judged)" : "").append("\n");
        for (Map<String, Object> t : targets) {
            out.append(String.format(Locale.ROOT, "   %-74s %10s %-3s %-8s %s%n", t.get("name"), t.get("value"), t.get("unit"), t.get("target"),
                    smoke ? "-" : (Boolean) t.get("met") ? "met" : "MISSED"));
        }
        return out.toString();
    }
}
