package io.paperalerts.notifier;

import static io.paperalerts.notifier.AlertMailerTest.alert;
import static io.paperalerts.notifier.AlertMailerTest.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AlertNotifierIntegrationTest {

    /** A fresh broker per test: each test reads the alerts topic from its start. */
    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    private NotifierConfig config(int smtpPort) {
        return new NotifierConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                NotifierConfig.SMTP_HOST, "127.0.0.1",
                NotifierConfig.SMTP_PORT, smtpPort,
                NotifierConfig.RETRY_INITIAL_MS, 50L,
                NotifierConfig.RETRY_MAX_MS, 200L));
    }

    private static Alert alertFor(String recipient, String paperId, String title) {
        Paper paper = paper(title);
        paper.setId(paperId);
        return alert(recipient, paper);
    }

    @Test
    void shouldEmailEachAlertAndCommitItsOffsetAfterTheServerAcceptedIt() throws Exception {
        // Given three alerts for two recipients
        kafka.produce(Topics.ALERTS, "n1-ada@example.org", alertFor("n1-ada@example.org", "p1", "First paper"));
        kafka.produce(Topics.ALERTS, "n1-ada@example.org", alertFor("n1-ada@example.org", "p2", "Second paper"));
        kafka.produce(Topics.ALERTS, "n1-bob@example.org", alertFor("n1-bob@example.org", "p1", "First paper"));

        // When the notifier runs
        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 3);

            // Then each recipient got their own emails, with the paper titles as subjects
            assertThat(smtp.messagesTo("n1-ada@example.org")).extracting(MimeMessage::getSubject)
                    .containsExactlyInAnyOrder("[paper-alerts] First paper", "[paper-alerts] Second paper");
            assertThat(smtp.messagesTo("n1-bob@example.org")).extracting(MimeMessage::getSubject)
                    .containsExactly("[paper-alerts] First paper");
            // And every delivered alert is committed
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.ALERTS) == 3);
        }
    }

    @Test
    void shouldDeliverAHostileTitleEscapedOnOneSubjectLineToTheRecipientOnly() throws Exception {
        String hostile = "<script>alert(1)</script> & \"Rewards\"\r\nBcc: x@evil.test";
        kafka.produce(Topics.ALERTS, "n5-ada@example.org", alertFor("n5-ada@example.org", "p-hostile", hostile));

        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 1);
        }

        MimeMessage received = smtp.messagesTo("n5-ada@example.org").get(0);
        assertThat(received.getSubject()).isEqualTo("[paper-alerts] <script>alert(1)</script> & \"Rewards\" Bcc: x@evil.test");
        assertThat(received.getHeader("Bcc")).isNull();
        assertThat(received.getAllRecipients()).extracting(Object::toString).containsExactly("n5-ada@example.org");
        assertThat(smtp.messagesTo("x@evil.test")).isEmpty();
        String html = (String) ((jakarta.mail.internet.MimeMultipart) received.getContent()).getBodyPart(1).getContent();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Rewards&quot;");
        assertThat(received.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
    }

    @Test
    void shouldKeepRetryingWhileSmtpIsDownAndDeliverOnceItIsBack() throws Exception {
        // Given an SMTP server that is down
        int port = EmbeddedSmtpServer.freePort();
        kafka.produce(Topics.ALERTS, "n2-ada@example.org", alertFor("n2-ada@example.org", "p1", "Waiting paper"));

        try (var notifier = new AlertNotifier(config(port), new AlertNotifier.Listener() { }).start()) {
            // When the notifier has failed to deliver several times
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.retries() >= 3);

            // Then nothing is committed or given up: the alert is not lost
            assertThat(kafka.committedOffsets("paper-alerts-notifier", Topics.ALERTS)).isZero();
            assertThat(notifier.gaveUp()).isZero();

            // And once the server is back, the alert is delivered
            try (var server = EmbeddedSmtpServer.start(port)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> server.receivedMessages().size() == 1);
                assertThat(server.receivedMessages().get(0).getSubject()).isEqualTo("[paper-alerts] Waiting paper");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.ALERTS) == 1);
            }
        }
    }

    @Test
    void shouldNeverEmailTheSamePaperTwiceToOneRecipientAcrossReplaysAndRestarts() throws Exception {
        // Given an alert delivered once, and the same (recipient, paper) alerted again in the topic
        Alert alert = alertFor("n4-ada@example.org", "p-once", "Only once");
        kafka.produce(Topics.ALERTS, alert.getRecipient(), alert);
        kafka.produce(Topics.ALERTS, alert.getRecipient(), alert);
        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() + notifier.alreadyDelivered() == 2);
            assertThat(notifier.delivered()).isEqualTo(1);
        }

        // When the alerts topic is replayed from the start by a notifier with a fresh group
        var replay = new NotifierConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                NotifierConfig.SMTP_HOST, "127.0.0.1",
                NotifierConfig.SMTP_PORT, smtp.port(),
                NotifierConfig.GROUP_ID, "replay"));
        try (var notifier = new AlertNotifier(replay, new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.alreadyDelivered() == 2);

            // Then nothing is sent again: one email in all
            assertThat(notifier.delivered()).isZero();
        }
        assertThat(smtp.messagesTo("n4-ada@example.org")).hasSize(1);
        assertThat(kafka.read(Topics.DELIVERIES, 1, Duration.ofSeconds(10))).extracting(r -> r.key())
                .containsExactly("n4-ada@example.org p-once");
    }

    @Test
    void shouldDeadLetterAnUndeliverableAlertWithTheReasonAndDeliverTheNext() throws Exception {
        // Given an alert whose recipient is not an address, then a good one on the same partition
        kafka.produce(Topics.ALERTS, "same-key", alertFor("not an address", "p1", "Lost paper"));
        kafka.produce(Topics.ALERTS, "same-key", alertFor("n3-ada@example.org", "p2", "Good paper"));
        kafka.produceBytes(Topics.ALERTS, "same-key".getBytes(), new byte[] {1, 2, 3});

        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() { }).start()) {
            // Then the good one is delivered and the two bad ones are dead-lettered, with reasons
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 1 && notifier.gaveUp() == 2);
            assertThat(smtp.messagesTo("n3-ada@example.org")).hasSize(1);
            var failed = kafka.read(Topics.DELIVERIES_FAILED, 1, Duration.ofSeconds(10));
            assertThat(failed).singleElement().extracting(r -> DeadLetters.reason(r.headers())).asString()
                    .contains("not an address");
            var dead = kafka.read(Topics.DEAD_LETTERS, 1, Duration.ofSeconds(10));
            assertThat(dead).singleElement().extracting(r -> DeadLetters.reason(r.headers())).asString()
                    .contains("Not a valid Avro single-object encoded Alert");
            assertThat(dead).extracting(r -> DeadLetters.source(r.headers())).containsOnly("notifier");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.ALERTS) == 3);
        }
    }
}
