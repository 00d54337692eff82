package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.avro.SchemaHistory;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.Markers;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** JSONL papers -> real broker -> Kafka Streams -> notifier -> a real SMTP server. */
class PipelineEndToEndTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path stateDir;

    private static AlertStreamsService streams;
    private static AlertNotifier notifier;
    private static PaperPublisher publisher;

    @BeforeAll
    static void startServices() throws Exception {
        subscribe("s-ada", "ada@example.org", "reward hacking");
        subscribe("s-carol", "carol@example.org", "quantum gravity");
        subscribe("s-bob", "bob@example.org", "protein folding");
        streams = new AlertStreamsService(new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS,
                        kafka.bootstrapServers(),
                        StreamsServiceConfig.STATE_DIR,
                        stateDir.toString(),
                        StreamsServiceConfig.INSTANT_WINDOW_MS,
                        500L,
                        StreamsServiceConfig.CHECK_INTERVAL_MS,
                        100L)))
                .start();
        notifier = new AlertNotifier(
                        new NotifierConfig(Map.of(
                                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                                MailConfig.SMTP_HOST, smtp.host(),
                                MailConfig.SMTP_PORT, smtp.port(),
                                // its own delivery record: test classes run in two JVMs at once
                                NotifierConfig.STATE_DIR,
                                        stateDir.resolve("notifier").toString())),
                        new AlertNotifier.Listener() {})
                .start();
        publisher =
                new PaperPublisher(new IngestConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())));
        streams.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopServices() {
        publisher.close();
        notifier.close();
        streams.close();
    }

    private static void subscribe(String id, String email, String query) {
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                id,
                Subscription.newBuilder()
                        .setId(id)
                        .setEmail(email)
                        .setQuery(query)
                        .setDelivery(DeliveryMode.INSTANT)
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.now())
                        .build());
    }

    @Test
    void shouldEmailOnlyTheSubscriberWhoseQueryMatchesAPaperFromJsonl() throws Exception {
        // Given a JSONL file with one paper on reward hacking, one on nothing anybody follows, and a bad line
        String jsonl = """
                {"id":"e2e-1","title":"Understanding Reward Hacking in Text-to-Image RL","abstract":"We study it.","authors":["Ada Lovelace","Alan Turing"],"url":"https://example.org/abs/e2e-1"}
                {"id":"e2e-2","title":"A Survey of Sorting","abstract":"Quicksort and friends."}
                {"id":"e2e-3", "title":
                """;

        // When it is ingested
        FileIngestor.Report report = new FileIngestor(publisher)
                .ingest(new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8)), "file:e2e.jsonl");

        // Then two papers are published and the malformed line is reported with its number
        assertThat(report.published()).isEqualTo(2);
        assertThat(report.rejections())
                .singleElement()
                .asString()
                .contains("line 3")
                .contains("malformed JSON");

        // And Ada receives an email with the paper's title in the subject
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !smtp.messagesTo("ada@example.org").isEmpty());
        MimeMessage email = smtp.messagesTo("ada@example.org").get(0);
        assertThat(email.getSubject())
                .isEqualTo(
                        "[paper-alerts] New paper for \u201creward hacking\u201d: Understanding Reward Hacking in Text-to-Image RL");
        String html =
                (String) ((MimeMultipart) email.getContent()).getBodyPart(1).getContent();
        assertThat(html).contains("https://example.org/abs/e2e-1", "Ada Lovelace, Alan Turing", "We study it.");

        // And only Ada: markers published behind each paper (same partition, so matched after it)
        // alert Carol; once they have, every alert the two papers gave is on the alerts topic
        String behindFirst = Markers.besides(Topics.PAPERS, "e2e-1", "e2e-marker-a");
        String behindSecond = Markers.besides(Topics.PAPERS, "e2e-2", "e2e-marker-b");
        publisher.publish(marker(behindFirst));
        publisher.publish(marker(behindSecond));
        publisher.flush();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readToEnd(Topics.ALERTS).stream()
                                .filter(a -> a.key().equals("carol@example.org"))
                                .count()
                        == 2);
        // (Bob's alerts belong to the other test, which may have run first)
        assertThat(kafka.readToEnd(Topics.ALERTS))
                .filteredOn(a -> !a.key().equals("bob@example.org"))
                .extracting(a -> a.key() + " " + a.value().getPaper().getId())
                .containsExactlyInAnyOrder(
                        "ada@example.org e2e-1",
                        "carol@example.org " + behindFirst,
                        "carol@example.org " + behindSecond);
        assertThat(smtp.messagesTo("ada@example.org")).hasSize(1);
    }

    private static Paper marker(String id) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle("Quantum gravity, a marker")
                .setAbstractText("")
                .setSource("test")
                .build();
    }

    @Test
    void shouldAlertOnAPaperWrittenWithThePreviousSchemaVersion() throws Exception {
        // Given a producer still on Paper schema version 1 publishes a matching paper
        Schema v1 = SchemaHistory.of(Paper.getClassSchema()).versions().get(0);
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "e2e-v1");
        old.put("version", 1);
        old.put("title", "Protein Folding from an Old Producer");
        old.put("abstractText", "");
        old.put("authors", List.of());
        old.put("categories", List.of());
        old.put("source", "legacy");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(old)
                .array();
        kafka.produceBytes(Topics.PAPERS, "e2e-v1".getBytes(StandardCharsets.UTF_8), bytes);

        // Then the current pipeline reads it and Bob is alerted
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !smtp.messagesTo("bob@example.org").isEmpty());
        assertThat(smtp.messagesTo("bob@example.org"))
                .extracting(MimeMessage::getSubject)
                .containsExactly(
                        "[paper-alerts] New paper for \u201cprotein folding\u201d: Protein Folding from an Old Producer");
    }
}
