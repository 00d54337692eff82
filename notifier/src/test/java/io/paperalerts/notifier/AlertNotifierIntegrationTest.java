package io.paperalerts.notifier;

import static io.paperalerts.testing.TestDigests.alert;
import static io.paperalerts.testing.TestDigests.instant;
import static io.paperalerts.testing.TestDigests.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.testing.ScriptedSmtpServer;
import io.paperalerts.testing.ScriptedSmtpServer.Reply;
import io.paperalerts.testing.TestDigests;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class AlertNotifierIntegrationTest {

    /** A fresh broker per test: each test reads the alerts topic from its start. */
    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    /** Each test's notifiers keep their delivery record here, not in a folder earlier runs left behind. */
    @TempDir
    Path stateDir;

    private NotifierConfig config(int smtpPort) {
        return config(smtpPort, 50L);
    }

    private NotifierConfig config(int smtpPort, long retryInitialMs) {
        return new NotifierConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                MailConfig.SMTP_HOST,
                "127.0.0.1",
                MailConfig.SMTP_PORT,
                smtpPort,
                NotifierConfig.RETRY_INITIAL_MS,
                retryInitialMs,
                NotifierConfig.RETRY_MAX_MS,
                Math.max(200L, retryInitialMs),
                NotifierConfig.STATE_DIR,
                stateDir.toString()));
    }

    private static Alert alertFor(String recipient, String paperId, String title) {
        Paper paper = paper(title);
        paper.setId(paperId);
        return alert(recipient, paper);
    }

    private void produce(String key, Alert... alerts) {
        kafka.produce(Topics.DIGESTS, key, instant(alerts));
    }

    private void produce(Alert... alerts) {
        produce(alerts[0].getRecipient(), alerts);
    }

    @Test
    void shouldSendOneEmailPerDigestAndCommitItsOffsetAfterTheServerAcceptedIt() throws Exception {
        // Given a digest of two papers for Ada and one of one paper for Bob
        produce(
                alertFor("n1-ada@example.org", "p1", "First paper"),
                alertFor("n1-ada@example.org", "p2", "Second paper"));
        produce(alertFor("n1-bob@example.org", "p1", "First paper"));

        // When the notifier runs
        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 3);

            // Then Ada got one email listing both papers, Bob one with his paper's title as subject
            assertThat(smtp.messagesTo("n1-ada@example.org"))
                    .extracting(MimeMessage::getSubject)
                    .containsExactly("[paper-alerts] 2 new papers for \u201creward hacking\u201d");
            assertThat(smtp.messagesTo("n1-bob@example.org"))
                    .extracting(MimeMessage::getSubject)
                    .containsExactly("[paper-alerts] New paper for \u201creward hacking\u201d: First paper");
            assertThat(notifier.emails()).isEqualTo(2);
            // And every delivered digest is committed
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == 2);
        }
    }

    @Test
    void shouldKeepEachRecipientsEmailsInOrderWhenSendingOverSeveralConnections() throws Exception {
        // Given six one-paper digests for each of three recipients, interleaved on the topic
        List<String> recipients = List.of("n9-ada@example.org", "n9-bob@example.org", "n9-eve@example.org");
        for (int n = 1; n <= 6; n++) {
            for (String recipient : recipients) {
                produce(alertFor(recipient, "p" + n, "Paper " + n));
            }
        }
        Map<String, Object> settings = new HashMap<>(config(smtp.port()).originals());
        settings.put(NotifierConfig.SMTP_CONNECTIONS, 4);

        // When the notifier sends over four connections
        try (var notifier = new AlertNotifier(new NotifierConfig(settings), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.emails() == 18);

            // Then each recipient got its six emails once each, in the order of its digests
            for (String recipient : recipients) {
                assertThat(smtp.messagesTo(recipient))
                        .extracting(m -> m.getHeader("X-Paper-Ids")[0])
                        .containsExactly("p1", "p2", "p3", "p4", "p5", "p6");
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == 18);
        }
    }

    @Test
    void shouldDeliverAHostileTitleEscapedOnOneSubjectLineToTheRecipientOnly() throws Exception {
        String hostile = "<script>alert(1)</script> & \"Rewards\"\r\nBcc: x@evil.test";
        produce(alertFor("n5-ada@example.org", "p-hostile", hostile));

        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 1);
        }

        MimeMessage received = smtp.messagesTo("n5-ada@example.org").get(0);
        assertThat(received.getSubject())
                .isEqualTo(
                        "[paper-alerts] New paper for \u201creward hacking\u201d: <script>alert(1)</script> & \"Rewards\" Bcc: x@evil.test");
        assertThat(received.getHeader("Bcc")).isNull();
        assertThat(received.getAllRecipients()).extracting(Object::toString).containsExactly("n5-ada@example.org");
        assertThat(smtp.messagesTo("x@evil.test")).isEmpty();
        String html =
                (String) ((MimeMultipart) received.getContent()).getBodyPart(1).getContent();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Rewards\"");
        assertThat(received.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
    }

    @Test
    void shouldDeliverEveryDigestOnceAfterTheSmtpServerWasUnreachable() throws Exception {
        // Given three digests and an SMTP server that is down
        int port = EmbeddedSmtpServer.freePort();
        for (String who : List.of("n2-ada", "n2-bob", "n2-carol")) {
            produce(alertFor(who + "@example.org", "p-" + who, "Waiting paper for " + who));
        }

        try (var notifier = new AlertNotifier(config(port), new AlertNotifier.Listener() {}).start()) {
            // When it stays unreachable (for many retries: the waits' lengths are DigestDeliveryTest's,
            // on a fake clock), the notifier keeps retrying, and nothing is committed or given up
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == 0
                            && notifier.gaveUp() == 0);
            assertThat(notifier.retries()).isGreaterThanOrEqualTo(3);

            // Then once it is back, every digest is delivered, once
            try (var server = EmbeddedSmtpServer.start(port)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> server.receivedMessages().size() == 3);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == 3);
                // Committed after sending: nothing of these three can come again
                assertThat(server.receivedMessages()).hasSize(3);
                assertThat(server.receivedMessages())
                        .extracting(MimeMessage::getSubject)
                        .containsExactlyInAnyOrder(
                                "[paper-alerts] New paper for \u201creward hacking\u201d: Waiting paper for n2-ada",
                                "[paper-alerts] New paper for \u201creward hacking\u201d: Waiting paper for n2-bob",
                                "[paper-alerts] New paper for \u201creward hacking\u201d: Waiting paper for n2-carol");
            }
        }
    }

    @Test
    void shouldNeverEmailTheSamePaperTwiceToOneRecipientAcrossReplaysAndRestarts() throws Exception {
        // Given a paper delivered once, then again in a later digest beside a new paper
        Alert alert = alertFor("n4-ada@example.org", "p-once", "Only once");
        produce(alert);
        produce(alert, alertFor("n4-ada@example.org", "p-new", "New one"));
        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() + notifier.alreadyDelivered() == 3);
            assertThat(notifier.delivered()).isEqualTo(2);
        }
        // Then the second email lists only the new paper
        assertThat(smtp.messagesTo("n4-ada@example.org"))
                .extracting(MimeMessage::getSubject)
                .containsExactly(
                        "[paper-alerts] New paper for \u201creward hacking\u201d: Only once",
                        "[paper-alerts] New paper for \u201creward hacking\u201d: New one");

        // When the digests are replayed from the start by a notifier with a fresh group
        var replay = new NotifierConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                MailConfig.SMTP_HOST,
                "127.0.0.1",
                MailConfig.SMTP_PORT,
                smtp.port(),
                NotifierConfig.GROUP_ID,
                "replay",
                NotifierConfig.STATE_DIR,
                stateDir.toString()));
        try (var notifier = new AlertNotifier(replay, new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.alreadyDelivered() == 3);

            // Then nothing is sent again
            assertThat(notifier.delivered()).isZero();
        }
        assertThat(smtp.messagesTo("n4-ada@example.org")).hasSize(2);
        assertThat(kafka.read(Topics.DELIVERIES, 2, Duration.ofSeconds(10)))
                .extracting(
                        r -> r.key().startsWith("n4-ada@example.org \u0000"),
                        r -> r.value().lines().skip(1).toList())
                .containsExactlyInAnyOrder(tuple(true, List.of("p-once")), tuple(true, List.of("p-new")));
    }

    @Test
    void shouldRecordAnEmailOfThreePapersAsOneRecordThatAFreshNotifierHonoursBesideAnEarlierFormatsPair()
            throws Exception {
        // Given an email of three papers delivered to Ada
        String ada = "n11-ada@example.org";
        produce(alertFor(ada, "p1", "One"), alertFor(ada, "p2", "Two"), alertFor(ada, "p3", "Three"));
        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 3);
        }

        // Then the delivery record holds one record for it, listing all three
        var records = kafka.readToEnd(Topics.DELIVERIES);
        assertThat(records)
                .filteredOn(r -> r.key().startsWith(ada))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.key()).startsWith(ada + " \u0000");
                    assertThat(r.value().lines().skip(1)).containsExactly("p1", "p2", "p3");
                });

        // When a pair written by an earlier notifier (one record per pair) is on the topic as well
        kafka.produce(
                Topics.DELIVERIES,
                DeliveryStore.partitionOf(ada),
                ada + " p-old",
                "<earlier@paper-alerts.example> 2026-01-01T00:00:00Z");
        // And a notifier with no local copy of the record replays every digest, one of them new
        produce(alertFor(ada, "p-old", "Old one"), alertFor(ada, "p2", "Two"), alertFor(ada, "p-new", "New one"));
        Map<String, Object> fresh = new HashMap<>(config(smtp.port()).originals());
        fresh.put(NotifierConfig.GROUP_ID, "fresh-replay");
        fresh.put(NotifierConfig.STATE_DIR, stateDir.resolve("fresh").toString());
        try (var notifier = new AlertNotifier(new NotifierConfig(fresh), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() + notifier.alreadyDelivered() == 6);

            // Then only the new paper is sent: both formats were read back from the topic
            assertThat(notifier.delivered()).isEqualTo(1);
            assertThat(smtp.messagesTo(ada))
                    .extracting(MimeMessage::getSubject)
                    .containsExactly(
                            "[paper-alerts] 3 new papers for \u201creward hacking\u201d",
                            "[paper-alerts] New paper for \u201creward hacking\u201d: New one");

            // When Ada is forgotten
            var digests = Topics.DIGESTS;
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    digests.keySerde().serializer(),
                    digests.valueSerde().serializer())) {
                var forget = new ProducerRecord<String, Digest>(digests.name(), ada, null);
                forget.headers()
                        .add(
                                Topics.FORGET_HEADER,
                                String.valueOf(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                producer.send(forget).get();
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> kafka.readToEnd(Topics.DELIVERIES).stream()
                            .anyMatch(r -> r.key().startsWith("\u0000forgotten ")));
        }

        // Then every record that named her, of either format, ends in a tombstone: compaction erases them
        Map<String, String> latest = new HashMap<>();
        kafka.readToEnd(Topics.DELIVERIES).stream()
                .filter(r -> r.key().startsWith(ada))
                .forEach(r -> latest.put(r.key(), r.value()));
        assertThat(latest).containsKey(ada + " p-old");
        assertThat(latest.keySet())
                .filteredOn(key -> key.startsWith(ada + " \u0000"))
                .hasSize(2);
        assertThat(latest.values()).containsOnlyNulls();
    }

    @Test
    void shouldRecordAPairPerPaperForTheFirstRestartOfAnUpgradeWhenToldTo() throws Exception {
        // Given a notifier told to write the delivery record as versions before the email record did
        Map<String, Object> settings = new HashMap<>(config(smtp.port()).originals());
        settings.put(NotifierConfig.DELIVERY_RECORD_PER_EMAIL, false);
        String ada = "n12-ada@example.org";

        // When it sends an email of two papers
        produce(alertFor(ada, "p1", "One"), alertFor(ada, "p2", "Two"));
        try (var notifier = new AlertNotifier(new NotifierConfig(settings), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 2);
        }

        // Then each paper has a record of one line, which those versions read whole
        assertThat(kafka.readToEnd(Topics.DELIVERIES))
                .filteredOn(r -> r.key().startsWith(ada))
                .extracting(r -> r.key(), r -> r.value().lines().count())
                .containsExactlyInAnyOrder(tuple(ada + " p1", 1L), tuple(ada + " p2", 1L));
    }

    @Test
    void shouldDeadLetterAnUndeliverableAlertWithTheReasonAndDeliverTheNext() throws Exception {
        // Given an alert whose recipient is not an address, then a good one on the same partition
        produce("same-key", alertFor("not an address", "p1", "Lost paper"));
        produce("same-key", alertFor("n3-ada@example.org", "p2", "Good paper"));
        kafka.produceBytes(Topics.DIGESTS, "same-key".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});

        try (var notifier = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start()) {
            // Then the good one is delivered and the two bad ones are dead-lettered, with reasons
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 1 && notifier.gaveUp() == 2);
            assertThat(smtp.messagesTo("n3-ada@example.org")).hasSize(1);
            var failed = kafka.read(Topics.DELIVERIES_FAILED, 1, Duration.ofSeconds(10));
            assertThat(failed)
                    .singleElement()
                    .extracting(r -> DeadLetters.reason(r.headers()))
                    .asString()
                    .contains("not an address");
            var dead = kafka.read(Topics.DEAD_LETTERS, 1, Duration.ofSeconds(10));
            assertThat(dead)
                    .singleElement()
                    .extracting(r -> DeadLetters.reason(r.headers()))
                    .asString()
                    .contains("Not a valid Avro single-object encoded Digest");
            assertThat(dead).extracting(r -> DeadLetters.source(r.headers())).containsOnly("notifier");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == 3);
        }
    }

    @Test
    void shouldParkARecipientRefusedFor4xxWithoutHoldingUpOthersAndGiveUpOn5xx() throws Exception {
        // Given an SMTP server that refuses Ada for now and then for good, refuses Bob once, and
        // takes Carol, whose digest is behind theirs on the same partition
        try (var scripted = ScriptedSmtpServer.start()) {
            scripted.script(
                    "n6-ada@example.org",
                    new Reply(452, "4.2.2 Mailbox full"),
                    new Reply(550, "5.1.1 No such user here"));
            scripted.script("n6-bob@example.org", new Reply(451, "4.7.1 Greylisted, try again"));
            produce("same-key", alertFor("n6-ada@example.org", "p1", "For Ada"));
            produce("same-key", alertFor("n6-bob@example.org", "p2", "For Bob"));
            produce("same-key", alertFor("n6-carol@example.org", "p3", "For Carol"));

            // When the notifier runs, retrying after 2 seconds
            try (var notifier =
                    new AlertNotifier(config(scripted.port(), 2_000L), new AlertNotifier.Listener() {}).start()) {
                // Then Carol is served while Ada and Bob wait for their retry
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> scripted.messagesTo("n6-carol@example.org").size() == 1);
                assertThat(scripted.messagesTo("n6-bob@example.org")).isEmpty();
                assertThat(notifier.parked()).isEqualTo(2);

                // And Bob's email goes out on the retry, while Ada's ends on deliveries.failed with the 550 reply
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> scripted.messagesTo("n6-bob@example.org").size() == 1 && notifier.gaveUp() == 1);
                var failed = kafka.read(Topics.DELIVERIES_FAILED, 1, Duration.ofSeconds(10));
                assertThat(failed)
                        .singleElement()
                        .extracting(r -> DeadLetters.reason(r.headers()))
                        .asString()
                        .contains("SMTP 550", "No such user here", "n6-ada@example.org");
                assertThat(scripted.attempts("n6-ada@example.org")).isEqualTo(2);
                assertThat(scripted.messagesTo("n6-ada@example.org")).isEmpty();
            }
        }
    }

    @Test
    void shouldNotHoldBackAParkedDigestBehindOneWaitingLonger() throws Exception {
        // Given Ada's digest parked on digests.retry until two minutes from now
        Digest forAda = TestDigests.instant(alertFor("n8-ada@example.org", "p1", "For Ada"));
        var retry = Topics.DIGESTS_RETRY;
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                retry.keySerde().serializer(),
                retry.valueSerde().serializer())) {
            var parked = new ProducerRecord<>(retry.name(), "same-key", forAda);
            parked.headers()
                    .add(DigestDelivery.ATTEMPT_HEADER, "5".getBytes(StandardCharsets.UTF_8))
                    .add(
                            DigestDelivery.NOT_BEFORE_HEADER,
                            String.valueOf(System.currentTimeMillis() + 120_000).getBytes(StandardCharsets.UTF_8));
            producer.send(parked).get();
        }
        // And Bob's digest, on the same partition, refused once for now
        try (var scripted = ScriptedSmtpServer.start()) {
            scripted.script("n8-bob@example.org", new Reply(451, "4.7.1 Greylisted, try again"));
            produce("same-key", alertFor("n8-bob@example.org", "p2", "For Bob"));

            try (var notifier =
                    new AlertNotifier(config(scripted.port(), 500L), new AlertNotifier.Listener() {}).start()) {
                // Then Bob's retry, parked behind Ada's, goes out long before Ada's time comes
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> scripted.messagesTo("n8-bob@example.org").size() == 1);
                assertThat(notifier.parked()).isEqualTo(1);
                assertThat(scripted.attempts("n8-ada@example.org")).isZero();
                // And the retry partition stays committed before Ada's digest, which must still be sent
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS_RETRY) == 0
                                && kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == 1);
            }
        }
    }

    @Test
    void shouldDeliverEveryDigestOnceWhenTheNotifierRestartsInTheMiddleOfABatch() throws Exception {
        // Given forty digests waiting
        int count = 40;
        for (int i = 0; i < count; i++) {
            produce(alertFor("n7-reader" + i + "@example.org", "p" + i, "Paper " + i));
        }

        // When a notifier stops after sending some of them and another one takes over
        var first = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start();
        try (first) {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.emails() >= 5);
        }
        long sentByFirst = first.emails();
        assertThat(sentByFirst).isLessThan(count);
        try (var second = new AlertNotifier(config(smtp.port()), new AlertNotifier.Listener() {}).start()) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> IntStream.range(0, count)
                            .allMatch(i -> !smtp.messagesTo("n7-reader" + i + "@example.org")
                                    .isEmpty()));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS) == count);
            // The second one sent exactly what the first had not
            assertThat(second.emails()).isEqualTo(count - sentByFirst);
        }

        // Then every reader got exactly one email
        for (int i = 0; i < count; i++) {
            assertThat(smtp.messagesTo("n7-reader" + i + "@example.org"))
                    .as("reader %d", i)
                    .hasSize(1);
        }
    }
}
