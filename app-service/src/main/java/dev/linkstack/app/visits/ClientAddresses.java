package dev.linkstack.app.visits;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A visit's client address, resolved off the event loop by the same rule the HTTP layer applies to every other request
 * (application.properties, quarkus.http.proxy.*): the leftmost {@code X-Forwarded-For} entry when the connection
 * comes from a trusted proxy, otherwise the connection's own peer. The redirect only keeps the peer and the raw header:
 * asking the request for its remote address would parse every forwarded header of every redirect on the event loop.
 */
@Singleton // no client proxy: asked for every visit classified
public class ClientAddresses {
    private final boolean forwarding;
    private final List<Network> trusted;

    @Inject
    ClientAddresses(@ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding") boolean addressForwarding,
                    @ConfigProperty(name = "quarkus.http.proxy.allow-x-forwarded") boolean xForwarded,
                    @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trustedProxies) {
        this(addressForwarding && xForwarded, trustedProxies.orElse(List.of()));
    }

    public ClientAddresses(boolean forwarding, List<String> trustedProxies) {
        this.forwarding = forwarding;
        List<Network> networks = new ArrayList<>();
        for (String proxy : trustedProxies) {
            networks.addAll(Network.parse(proxy.trim()));
        }
        this.trusted = List.copyOf(networks);
    }

    /** No proxy believed: the peer is the client (tests and tools). */
    public static ClientAddresses peerOnly() {
        return new ClientAddresses(false, List.of());
    }

    /** The client's address as text, or null for a visit without one. */
    public String of(String peer, String forwardedFor) {
        if (peer == null) {
            return null;
        }
        if (forwarding && forwardedFor != null && !forwardedFor.isBlank() && isTrusted(peer)) {
            String client = withoutPort(leftmost(forwardedFor));
            if (!client.isEmpty()) {
                return client;
            }
        }
        return peer;
    }

    private boolean isTrusted(String peer) {
        byte[] address = Network.literal(peer);
        if (address == null) {
            return false;
        }
        for (Network network : trusted) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String leftmost(String header) {
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    /** {@code 203.0.113.9:4711} → {@code 203.0.113.9}, {@code [2001:db8::1]:443} → {@code 2001:db8::1}. */
    static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        return colon >= 0 && colon == host.lastIndexOf(':') ? host.substring(0, colon) : host;
    }

    /** An address or CIDR block of trusted proxies. */
    private record Network(byte[] prefix, int bits) {
        static List<Network> parse(String proxy) {
            if (proxy.isEmpty()) {
                return List.of();
            }
            int slash = proxy.indexOf('/');
            String host = slash < 0 ? proxy : proxy.substring(0, slash);
            byte[] address = literal(host);
            if (address != null) {
                int bits = slash < 0 ? address.length * 8 : Integer.parseInt(proxy.substring(slash + 1));
                return List.of(new Network(address, bits));
            }
            if (slash >= 0) {
                throw new IllegalArgumentException("not a CIDR block of trusted proxies: " + proxy);
            }
            try { // a host name: its addresses at start-up
                List<Network> resolved = new ArrayList<>();
                for (InetAddress each : InetAddress.getAllByName(host)) {
                    resolved.add(new Network(each.getAddress(), each.getAddress().length * 8));
                }
                return resolved;
            } catch (UnknownHostException e) {
                return List.of(); // not resolvable: trusted by nobody, as the HTTP layer does
            }
        }

        /** The bytes of an IP literal, without any name lookup; null for anything else. */
        static byte[] literal(String host) {
            byte[] ipv4 = dottedQuad(host);
            if (ipv4 != null) {
                return ipv4;
            }
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            boolean ipv6 = bare.indexOf(':') >= 0;
            if (!ipv6 && !bare.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
                return null;
            }
            if (ipv6 && !bare.toLowerCase(Locale.ROOT).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) {
                return null;
            }
            try {
                return InetAddress.getByName(bare).getAddress(); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                return null;
            }
        }

        /** The common case, {@code a.b.c.d}, read without allocating more than its four bytes. */
        private static byte[] dottedQuad(String host) {
            byte[] address = new byte[4];
            int part = 0;
            int value = -1;
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c >= '0' && c <= '9') {
                    value = (value < 0 ? 0 : value * 10) + (c - '0');
                    if (value > 255) {
                        return null;
                    }
                } else if (c == '.' && value >= 0 && part < 3) {
                    address[part++] = (byte) value;
                    value = -1;
                } else {
                    return null;
                }
            }
            if (part != 3 || value < 0) {
                return null;
            }
            address[3] = (byte) value;
            return address;
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest);
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }
}
