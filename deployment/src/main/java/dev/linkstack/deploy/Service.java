package dev.linkstack.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One container of the deployment, with the hardening every container gets unless it says otherwise. */
public final class Service {
    /** How Compose checks a container; {@code test} is the exec form (no shell) unless it starts with CMD-SHELL. */
    public record Healthcheck(List<String> test, String interval, String timeout, int retries, String startPeriod) {
    }

    /** Where the image comes from when it is built rather than pulled. */
    public record Build(String context, String dockerfile) {
    }

    final String name;
    String image;
    Build build;
    String user;
    List<String> command = List.of();
    final Map<String, String> environment = new LinkedHashMap<>();
    final List<String> ports = new ArrayList<>();
    final List<String> networks = new ArrayList<>();
    final List<String> volumes = new ArrayList<>();
    final List<String> tmpfs = new ArrayList<>();
    final List<String> capAdd = new ArrayList<>();
    final List<String> dependsOnHealthy = new ArrayList<>();
    Healthcheck healthcheck;
    boolean readOnly = true;
    String memoryLimit;
    String cpus;
    String shmSize;
    String stopGracePeriod;

    Service(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String image() {
        return image;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public List<String> ports() {
        return ports;
    }

    public List<String> networks() {
        return networks;
    }

    public List<String> dependsOnHealthy() {
        return dependsOnHealthy;
    }

    public Healthcheck healthcheck() {
        return healthcheck;
    }

    Service image(String image) {
        this.image = image;
        return this;
    }

    Service build(String context, String dockerfile) {
        this.build = new Build(context, dockerfile);
        return this;
    }

    Service user(String user) {
        this.user = user;
        return this;
    }

    Service command(String... command) {
        this.command = List.of(command);
        return this;
    }

    Service env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Service port(String mapping) {
        ports.add(mapping);
        return this;
    }

    Service networks(String... names) {
        networks.addAll(List.of(names));
        return this;
    }

    Service volume(String mount) {
        volumes.add(mount);
        return this;
    }

    Service tmpfs(String... paths) {
        tmpfs.addAll(List.of(paths));
        return this;
    }

    Service capAdd(String... capabilities) {
        capAdd.addAll(List.of(capabilities));
        return this;
    }

    Service dependsOnHealthy(String... services) {
        dependsOnHealthy.addAll(List.of(services));
        return this;
    }

    Service healthcheck(List<String> test, String interval, String timeout, int retries, String startPeriod) {
        this.healthcheck = new Healthcheck(test, interval, timeout, retries, startPeriod);
        return this;
    }

    Service limits(String memory, String cpus) {
        this.memoryLimit = memory;
        this.cpus = cpus;
        return this;
    }

    Service shmSize(String size) {
        this.shmSize = size;
        return this;
    }

    Service stopGracePeriod(String period) {
        this.stopGracePeriod = period;
        return this;
    }
}
