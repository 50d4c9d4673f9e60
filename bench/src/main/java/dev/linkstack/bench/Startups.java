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
    record Started(ServiceProcess process, List<Long> readyMs, long firstMs, double rssReadyMb) {
        long readyMedianMs() {
            return BenchRun.median(readyMs);
        }
    }

    private Startups() {
    }

    static Started startRepeatedly(Sizes sizes, PackagedService service, String name, Map<String, String> env, int unmeasured) {
        List<Long> readyMs = new ArrayList<>();
        long first = 0;
        ServiceProcess running = null;
        for (int i = 0; i < unmeasured + sizes.startups(); i++) {
            if (running != null) {
                running.close();
            }
            long start = System.nanoTime();
            running = Support.launch(service, name, env);
            long ms = TimeUnit.NANOSECONDS.toMillis(Support.awaitOk(running.process(), running.baseUrl() + "/q/health/ready", start,
                    Duration.ofSeconds(120), running.log()));
            if (i < unmeasured) {
                first = ms;
            } else {
                readyMs.add(ms);
            }
        }
        return new Started(running, readyMs, first, Support.procStatusKb(running.process().pid(), "VmRSS") / 1024.0);
    }
}
