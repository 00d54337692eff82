package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private final ClientAddress clients = new ClientAddress(List.of("10.0.0.2", "::1"));

    @Test
    void shouldIgnoreForwardedForFromAPeerThatIsNotATrustedProxy() {
        assertThat(clients.of("198.51.100.9", "203.0.113.7")).isEqualTo("198.51.100.9");
    }

    @Test
    void shouldTakeTheNearestUntrustedHopBehindTrustedProxies() {
        // The client wrote "1.2.3.4" itself; the proxy appended what it saw
        assertThat(clients.of("10.0.0.2", "1.2.3.4, 203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(clients.of("10.0.0.2", "203.0.113.7, 10.0.0.2")).isEqualTo("203.0.113.7");
        assertThat(clients.of("10.0.0.2", null)).isEqualTo("10.0.0.2");
    }

    @Test
    void shouldKeyIpv6ClientsByTheirSlash64() {
        assertThat(clients.of("2001:db8:1:2:aaaa::1", null))
                .isEqualTo(clients.of("2001:db8:1:2:bbbb::99", null))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(clients.of("2001:db8:1:3::1", null)).isNotEqualTo(clients.of("2001:db8:1:2::1", null));
        assertThat(clients.of("0:0:0:0:0:0:0:1", "[2001:db8::5]")).isEqualTo("2001:db8:0:0::/64");
    }
}
