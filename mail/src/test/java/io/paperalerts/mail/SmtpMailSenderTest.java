package io.paperalerts.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmtpMailSenderTest {

    private static SmtpMailSender sender(String security) {
        return new SmtpMailSender(
                new AbstractConfig(MailConfig.define(new ConfigDef()), Map.of(MailConfig.SMTP_SECURITY, security)));
    }

    @Test
    void shouldOpenPlainAndStarttlsConnectionsWithNagleOff() throws Exception {
        for (String security : new String[] {"none", "starttls"}) {
            // Given a sender for a server without TLS from the first byte
            try (SmtpMailSender sender = sender(security)) {
                // When Angus asks its configured factory for the socket it will connect
                Object factory = sender.session().getProperties().get("mail.smtp.socketFactory");

                // Then the socket sends each write at once rather than waiting for the last one's acknowledgement
                assertThat(factory).as(security).isInstanceOf(SocketFactory.class);
                try (Socket socket = ((SocketFactory) factory).createSocket()) {
                    assertThat(socket.getTcpNoDelay()).as(security).isTrue();
                }
            }
        }
    }

    @Test
    void shouldOpenSmtpsConnectionsWithTlsAndNagleOff() throws Exception {
        // Given a sender for SMTPS
        try (SmtpMailSender sender = sender("smtps")) {
            // When Angus asks its configured TLS factory for the socket it will connect
            Object factory = sender.session().getProperties().get("mail.smtps.ssl.socketFactory");

            // Then it is a TLS socket with Nagle off
            assertThat(factory).isInstanceOf(SSLSocketFactory.class);
            try (Socket socket = ((SSLSocketFactory) factory).createSocket()) {
                assertThat(socket).isInstanceOf(SSLSocket.class);
                assertThat(socket.getTcpNoDelay()).isTrue();
            }
        }
    }
}
