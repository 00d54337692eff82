package io.paperalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Through a real SMTP client (Angus Mail, as the notifier sends). */
class CountingSmtpServerTest {

    private static void send(CountingSmtpServer server, String to, List<String> paperIds) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(server.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("alerts@paper-alerts.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("New papers");
        // Folded as a long header is on the wire: the server must unfold it.
        message.setHeader("X-Paper-Ids", MimeUtility.fold(14, String.join(" ", paperIds)));
        message.setText("body\n.\nwith a line that is only a dot");
        Transport.send(message);
    }

    @Test
    void shouldNoteEachPairOfAnEmailWithManyPapers() throws Exception {
        List<String> ids =
                IntStream.range(0, 40).mapToObj(i -> "run-paper-" + i).toList();
        try (CountingSmtpServer server = CountingSmtpServer.start()) {
            send(server, "Ann@run.bench", ids);

            assertThat(server.pairs()).isEqualTo(40);
            assertThat(server.arrival("ann@run.bench", "run-paper-0")).isNotNull();
            assertThat(server.arrival("ann@run.bench", "run-paper-39")).isNotNull();
            assertThat(server.duplicates()).isEmpty();
        }
    }

    @Test
    void shouldCountAPairAcceptedTwiceAsADuplicate() throws Exception {
        try (CountingSmtpServer server = CountingSmtpServer.start()) {
            send(server, "ann@run.bench", List.of("p1", "p2"));
            send(server, "bob@run.bench", List.of("p2"));
            send(server, "ann@run.bench", List.of("p2"));

            assertThat(server.emails()).isEqualTo(3);
            assertThat(server.pairs()).isEqualTo(3);
            assertThat(server.duplicates()).containsExactly("ann@run.bench|p2");
        }
    }
}
