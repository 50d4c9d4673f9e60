package dev.linkstack.app.visits;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A visitor's address: believed from a forwarded header only when a trusted proxy sent it, as for every other request. */
class ClientAddressesTest {
    private final ClientAddresses addresses = new ClientAddresses(true, List.of("127.0.0.1", "10.0.0.0/8", "172.16.0.0/12", "fd00::/8"));

    @Test
    void aTrustedProxyNamesTheClientInItsLeftmostEntry() {
        assertEquals("203.0.113.9", addresses.of("127.0.0.1", "203.0.113.9"));
        assertEquals("203.0.113.9", addresses.of("10.1.2.3", " 203.0.113.9 , 10.0.0.7"));
        assertEquals("203.0.113.9", addresses.of("172.31.255.1", "203.0.113.9:4711"));
        assertEquals("2001:db8::1", addresses.of("fd12::5", "[2001:db8::1]:443"));
        assertEquals("2001:db8::1", addresses.of("fd12::5", "2001:db8::1"));
    }

    @Test
    void anyoneElsesHeaderIsIgnored() {
        assertEquals("198.51.100.7", addresses.of("198.51.100.7", "203.0.113.9"), "a client naming another address");
        assertEquals("172.32.0.1", addresses.of("172.32.0.1", "203.0.113.9"), "just outside 172.16.0.0/12");
        assertEquals("2001:db8::2", addresses.of("2001:db8::2", "203.0.113.9"));
        assertEquals("10.0.0.256", addresses.of("10.0.0.256", "203.0.113.9"), "not an address, so no proxy");
        assertEquals("10.0.0.1.5", addresses.of("10.0.0.1.5", "203.0.113.9"));
        assertEquals("127.0.0.1", addresses.of("127.0.0.1", null), "a proxy without the header: the proxy itself");
        assertEquals("127.0.0.1", addresses.of("127.0.0.1", " "));
        assertNull(addresses.of(null, "203.0.113.9"), "no connection, no visitor");
    }

    @Test
    void withoutForwardingThePeerIsTheClient() {
        assertEquals("127.0.0.1", new ClientAddresses(false, List.of("127.0.0.1")).of("127.0.0.1", "203.0.113.9"));
        assertEquals("127.0.0.1", ClientAddresses.peerOnly().of("127.0.0.1", "203.0.113.9"));
    }

    @Test
    void aBrokenBlockOfTrustedProxiesIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new ClientAddresses(true, List.of("proxy.example/8")));
    }
}
