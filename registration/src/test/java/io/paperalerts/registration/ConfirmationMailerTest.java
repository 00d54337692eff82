package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfirmationMailerTest {

    @Test
    void shouldQuoteAQueryAndShortenALongOne() {
        assertThat(ConfirmationMailer.quoted("grpo")).isEqualTo("\u201cgrpo\u201d");
        String long80 = "x".repeat(80);
        assertThat(ConfirmationMailer.quoted(long80)).isEqualTo("\u201c" + long80 + "\u201d");
        String shown = ConfirmationMailer.quoted("Your account is locked. Call +1 555 0100 now, " + "y".repeat(100));
        assertThat(shown).hasSize(82).endsWith("\u2026\u201d").startsWith("\u201cYour account is locked.");
    }
}
