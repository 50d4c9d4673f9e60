package dev.linkstack.bench;

import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Start-up to {@code /q/health/ready} UP, measured over repeated starts of a packaged service. */
final class Startups {
    /** A service started {@code sizes.startups()} times after {@code unmeasured} starts; the last one is left running. */
    record Started(ServiceProcess process, List<Long> readyMs, List<Long> cpuMs, long firstMs, double rssReadyMb, String jvm, boolean aotCache) {
        long readyMedianMs() {
            return BenchRun.median(readyMs);
        }

        long cpuMedianMs() {
            return BenchRun.median(cpuMs);
        }
    }

    private Startups() {
    }

    static Started startRepeatedly(Sizes sizes, PackagedService service, String name, Map<String, String> env, int unmeasured) {
        return interleaved(sizes, List.of(service), List.of(name), env, unmeasured).get(0);
    }

    /**
     * Several builds (e.g. one app on two JVMs) started in turn, A B A B ..., so a shared machine's drift falls on all
     * of them alike; one process at a time, the last start of each is left running.
     */
    static List<Started> interleaved(Sizes sizes, List<PackagedService> services, List<String> names, Map<String, String> env, int unmeasured) {
        List<List<Long>> readyMs = new ArrayList<>();
        List<List<Long>> cpuMs = new ArrayList<>();
        long[] first = new long[services.size()];
        double[] rssReadyMb = new double[services.size()];
        ServiceProcess[] running = new ServiceProcess[services.size()];
        for (int s = 0; s < services.size(); s++) {
            readyMs.add(new ArrayList<>());
            cpuMs.add(new ArrayList<>());
        }
        for (int i = 0; i < unmeasured + sizes.startups(); i++) {
            for (int s = 0; s < services.size(); s++) {
                boolean last = i == unmeasured + sizes.startups() - 1;
                long start = System.nanoTime();
                ServiceProcess process = Support.launch(services.get(s), names.get(s), env);
                long ms = TimeUnit.NANOSECONDS.toMillis(Support.awaitOk(process.process(), process.baseUrl() + "/q/health/ready", start,
                        Duration.ofSeconds(120), process.log()));
                long cpu = Support.cpuMs(process.process().pid());
                if (services.get(s).readsAotCache() && process.log().matches("(?s).*\\[(error|warning)\\]\\[(aot|cds)\\].*")) {
                    // A cache the JVM could not map (another JDK build, a damaged file) would be measured as "AOT cache" without one.
                    throw new IllegalStateException(names.get(s) + ": the JVM did not use " + services.get(s).aotCache() + ":\n" + process.log());
                }
                if (i < unmeasured) {
                    first[s] = ms;
                } else {
                    readyMs.get(s).add(ms);
                    cpuMs.get(s).add(cpu);
                }
                if (last) {
                    running[s] = process;
                    rssReadyMb[s] = Support.procStatusKb(process.process().pid(), "VmRSS") / 1024.0;
                } else {
                    process.close(); // not left idle beside the next build's start
                }
            }
        }
        List<Started> started = new ArrayList<>();
        for (int s = 0; s < services.size(); s++) {
            started.add(new Started(running[s], readyMs.get(s), cpuMs.get(s), first[s], rssReadyMb[s], services.get(s).jvmLabel(),
                    services.get(s).readsAotCache()));
        }
        return started;
    }
}
