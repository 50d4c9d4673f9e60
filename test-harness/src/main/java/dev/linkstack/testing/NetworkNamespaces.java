package dev.linkstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Container networking without containers: every host is a Linux network namespace, every network a bridge in a
 * namespace of its own, and a host joins a network through a veth pair, the way Docker attaches a container. A host
 * reaches only the hosts it shares a network with, and finds them by name through {@code /etc/netns/<ns>/hosts},
 * which {@code ip netns exec} mounts over {@code /etc/hosts}. Needs root and iproute2.
 */
public final class NetworkNamespaces implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String prefix;
    private final String switchNamespace;
    private final Map<String, Integer> networks = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> addresses = new LinkedHashMap<>(); // host -> network -> address
    private final List<String> namespaces = new ArrayList<>();

    /** @param prefix a short tag that makes this run's namespace names unique, e.g. "ls4711" */
    public NetworkNamespaces(String prefix) {
        this.prefix = prefix;
        this.switchNamespace = prefix + "-switch";
        addNamespace(switchNamespace);
    }

    public static boolean available() {
        return Processes.isRoot() && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")));
    }

    /** A network: a bridge with its own /24 subnet. */
    public NetworkNamespaces network(String name) {
        if (!networks.containsKey(name)) {
            int index = networks.size() + 1;
            networks.put(name, index);
            ip("-n", switchNamespace, "link", "add", bridge(name), "type", "bridge");
            ip("-n", switchNamespace, "link", "set", bridge(name), "up");
        }
        return this;
    }

    /** A host attached to the given networks, with loopback up. */
    public NetworkNamespaces host(String name, List<String> attachedTo) {
        String namespace = namespace(name);
        addNamespace(namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        Map<String, String> hostAddresses = new LinkedHashMap<>();
        int hostNumber = addresses.size() + 2;
        int interfaceNumber = 0;
        for (String network : attachedTo) {
            network(network);
            String address = "10.77." + networks.get(network) + "." + hostNumber;
            // Interface names are limited to 15 characters: number them instead of naming them.
            String outer = "v" + hostNumber + "n" + networks.get(network);
            String inner = "eth" + interfaceNumber++;
            ip("-n", switchNamespace, "link", "add", outer, "type", "veth", "peer", "name", inner, "netns", namespace);
            ip("-n", switchNamespace, "link", "set", outer, "master", bridge(network), "up");
            ip("-n", namespace, "addr", "add", address + "/24", "dev", inner);
            ip("-n", namespace, "link", "set", inner, "up");
            hostAddresses.put(network, address);
        }
        addresses.put(name, hostAddresses);
        return this;
    }

    /**
     * Writes each host's {@code /etc/hosts}: itself as localhost, every host it shares a network with by name. Call
     * once all hosts are added.
     */
    public void writeHostsFiles() {
        for (var host : addresses.entrySet()) {
            StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
            for (var other : addresses.entrySet()) {
                for (var attachment : other.getValue().entrySet()) {
                    if (host.getValue().containsKey(attachment.getKey()) && !other.getKey().equals(host.getKey())) {
                        hosts.append(attachment.getValue()).append(' ').append(other.getKey()).append('\n');
                        break;
                    }
                }
            }
            try {
                Path dir = Path.of("/etc/netns", namespace(host.getKey()));
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("hosts"), hosts.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The address of a host on a network, or null when it is not attached to it. */
    public String address(String host, String network) {
        return addresses.getOrDefault(host, Map.of()).get(network);
    }

    /** Every address of every host, for scans from another host. */
    public Map<String, Map<String, String>> addresses() {
        return addresses;
    }

    /** The command prefix that runs a command inside a host. */
    public List<String> exec(String host) {
        return List.of("ip", "netns", "exec", namespace(host));
    }

    /** {@link #exec} followed by the command. */
    public List<String> inside(String host, List<String> command) {
        List<String> full = new ArrayList<>(exec(host));
        full.addAll(command);
        return full;
    }

    /** Runs a command inside a host and returns its output; fails when it exits non-zero. */
    public String run(String host, String... command) {
        return Processes.run(Duration.ofSeconds(60), inside(host, List.of(command)));
    }

    /**
     * Whether a TCP connection from one host to an address and port succeeds within a second. Uses bash's
     * {@code /dev/tcp} so the probe needs nothing installed.
     */
    public boolean canConnect(String fromHost, String address, int port) {
        List<String> probe = inside(fromHost, List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port));
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String namespace(String host) {
        return prefix + "-" + host;
    }

    @Override
    public void close() {
        // Deleting a namespace kills its veth ends and bridges; processes inside must be stopped by the caller first.
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            String namespace = namespaces.get(i);
            try {
                Processes.run(COMMAND_TIMEOUT, List.of("ip", "netns", "delete", namespace));
            } catch (RuntimeException ignored) {
                // already gone
            }
            Processes.deleteRecursively(Path.of("/etc/netns", namespace));
        }
    }

    private void addNamespace(String namespace) {
        try {
            Processes.run(COMMAND_TIMEOUT, List.of("ip", "netns", "delete", namespace));
        } catch (RuntimeException ignored) {
            // a leftover of an interrupted run, or nothing
        }
        Processes.run(COMMAND_TIMEOUT, List.of("ip", "netns", "add", namespace));
        namespaces.add(namespace);
    }

    private static String bridge(String network) {
        String name = "br-" + network;
        return name.length() <= 15 ? name : name.substring(0, 15);
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Processes.run(COMMAND_TIMEOUT, command);
    }
}
