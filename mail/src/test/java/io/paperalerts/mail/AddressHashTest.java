package io.paperalerts.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.fingerprint.Sha256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AddressHashTest {

    private final AddressHash hash =
            new AddressHash("a secret of 32 bytes, at least!!".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldGiveOneAddressTheSameHashHoweverItIsWritten() {
        assertThat(hash.of("Ada@Example.org "))
                .isEqualTo(hash.of("ada@example.org"))
                .hasSize(12)
                .matches("[0-9a-f]+");
        assertThat(hash.of("bob@example.org")).isNotEqualTo(hash.of("ada@example.org"));
    }

    @Test
    void shouldNotBeTheUnkeyedHashAnyoneCouldComputeFromAGuess() {
        AddressHash other = new AddressHash("another secret, also 32 bytes!!!".getBytes(StandardCharsets.UTF_8));

        assertThat(hash.of("ada@example.org"))
                .isNotEqualTo(Sha256.hex("ada@example.org", 6))
                .isNotEqualTo(other.of("ada@example.org"));
    }

    @Test
    void shouldWriteEachAddressOfALineAsItsHash() {
        String line = hash.redact("SMTP 550 5.1.1 <Ada@Example.org>: no such user (to ada@example.org, papers p1)");

        assertThat(line)
                .isEqualTo("SMTP 550 5.1.1 <recipient " + hash.of("ada@example.org") + ">: no such user (to recipient "
                        + hash.of("ada@example.org") + ", papers p1)");
    }
}
