package io.paperalerts.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.util.StreamProvider;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MailStreamProviderTest {

    @Test
    void shouldNameAngusAsTheStreamProviderSoThatJakartaMailSkipsTheServiceLoaderScan() {
        // Given the mail classes are loaded
        MailStreamProvider.nameOnce();

        // Then Jakarta Mail resolves the provider by name, to the one its scan would have found
        assertThat(System.getProperty(StreamProvider.class.getName())).isEqualTo(MailStreamProvider.ANGUS);
        assertThat(StreamProvider.provider().getClass().getName()).isEqualTo(MailStreamProvider.ANGUS);
    }
}
