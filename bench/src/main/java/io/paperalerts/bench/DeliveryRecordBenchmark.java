package io.paperalerts.bench;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.JavaProcess;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How fast a notifier resumes with a large delivery record, and in how little heap: writes N
 * delivered (recipient, paper) pairs to {@code deliveries} (partitioned like {@code digests}, as
 * the notifier writes them), then runs the notifier as a process of its own with
 * {@code -Xmx256m}: once on an empty state folder (it reads its partitions of the record in full
 * into RocksDB), then killed with SIGKILL and started again on its folder (it reads only what was
 * added since). Each time the clock runs from the process's start to the SMTP server accepting
 * the email of a digest produced right after it; the table gives both and their ratio.
 *
 * <p>The pairs are written one record each, as notifiers did before a record named every paper of
 * an email: the most records a full read can meet for N pairs (the notifier reads both formats).
 *
 * <pre>
 * java -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.DeliveryRecordBenchmark [pairs=10000000]
 * </pre>
 */
public final class DeliveryRecordBenchmark {

    private static final int RECIPIENTS = 100_000;

    private DeliveryRecordBenchmark() {}

    public static void main(String[] args) throws Exception {
        long pairs = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path work = Files.createTempDirectory("paper-alerts-delivery-bench-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                EmbeddedSmtpServer smtp = EmbeddedSmtpServer.start()) {
            String bootstrap = broker.bootstrapServers();
            KafkaClients clients = KafkaClients.of(bootstrap);
            try (Admin admin = clients.admin()) {
                TopicProvisioner.createMissing(admin, Topics.ALL, (short) 1);
            }
            long writeStart = System.nanoTime();
            writePairs(bootstrap, pairs);
            System.err.printf("wrote %,d pairs in %.1f s%n", pairs, (System.nanoTime() - writeStart) / 1e9);

            Path config = work.resolve("notifier.properties");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "bootstrap.servers=" + bootstrap,
                            "smtp.host=" + smtp.host(),
                            "smtp.port=" + smtp.port(),
                            "group.instance.id=bench-notifier",
                            "notifier.state.dir=" + work.resolve("state"),
                            "mail.token.secret=benchmark-secret-0123456789",
                            ""),
                    StandardCharsets.UTF_8);
            JavaProcess notifier = new JavaProcess(
                    "notifier",
                    work.resolve("notifier.log"),
                    List.of("-Xmx256m"),
                    "io.paperalerts.app.PaperAlertsCommand",
                    List.of("notifier", "--config", config.toString()));
            try {
                Duration cold = resume(notifier, bootstrap, smtp, "cold@example.org");
                long coldPeakRss = peakRssMb(notifier);
                notifier.kill();
                Duration warm = resume(notifier, bootstrap, smtp, "warm@example.org");
                long warmPeakRss = peakRssMb(notifier);
                System.out.printf(
                        "| delivery record | local state | heap limit | peak RSS | from process start to first email |%n");
                System.out.println("|---:|---|---:|---:|---:|");
                System.out.printf(
                        "| %,d pairs | none (read in full) | 256 MB | %,d MB | %.1f s |%n",
                        pairs, coldPeakRss, cold.toMillis() / 1000.0);
                System.out.printf(
                        "| %,d pairs | kept (restart after SIGKILL) | 256 MB | %,d MB | %.1f s (%.0fx faster) |%n",
                        pairs,
                        warmPeakRss,
                        warm.toMillis() / 1000.0,
                        (double) cold.toMillis() / Math.max(1, warm.toMillis()));
            } catch (RuntimeException | Error e) {
                System.err.println(notifier.tail(40));
                throw e;
            } finally {
                notifier.stop(Duration.ofSeconds(10));
            }
        } finally {
            deleteRecursively(work);
        }
    }

    static void deleteRecursively(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Starts the notifier and returns the time until a new recipient's email is accepted. */
    private static Duration resume(JavaProcess notifier, String bootstrap, EmbeddedSmtpServer smtp, String recipient)
            throws Exception {
        int before = smtp.receivedMessages().size();
        notifier.start();
        Instant started = Instant.now();
        var topic = Topics.DIGESTS;
        try (var producer = KafkaClients.of(bootstrap)
                .producer(
                        Map.of(),
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), recipient, digest(recipient)))
                    .get();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (smtp.receivedMessages().size() == before) {
            if (!notifier.isAlive()) {
                throw new IllegalStateException("The notifier exited with " + notifier.exitCode());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No email after 10 minutes");
            }
            Thread.sleep(20);
        }
        return Duration.between(started, Instant.now());
    }

    /** The process's peak resident memory (heap, RocksDB and the rest). */
    private static long peakRssMb(JavaProcess process) throws IOException {
        return ProcessStatus.mb(String.valueOf(process.pid()), "VmHWM");
    }

    private static void writePairs(String bootstrap, long pairs) throws Exception {
        int[] partitionOf = new int[RECIPIENTS];
        for (int r = 0; r < RECIPIENTS; r++) {
            partitionOf[r] = Topics.DIGESTS.partitionOf(recipient(r));
        }
        try (var producer = KafkaClients.of(bootstrap)
                .producer(
                        Map.<String, Object>of(
                                ProducerConfig.ACKS_CONFIG,
                                "1",
                                ProducerConfig.LINGER_MS_CONFIG,
                                50,
                                ProducerConfig.BATCH_SIZE_CONFIG,
                                512 * 1024,
                                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                                "lz4"),
                        new StringSerializer(),
                        new StringSerializer())) {
            String value = "<0123456789abcdef0123456789abcdef@paper-alerts> " + Instant.now();
            for (long i = 0; i < pairs; i++) {
                int r = (int) (i % RECIPIENTS);
                String key =
                        recipient(r) + " 26" + String.format("%02d.%05d", 1 + (i / RECIPIENTS) % 12, i / RECIPIENTS);
                producer.send(new ProducerRecord<>(Topics.DELIVERIES.name(), partitionOf[r], key, value));
            }
            producer.flush();
        }
    }

    private static String recipient(int r) {
        return "reader" + r + "@example.org";
    }

    private static Digest digest(String recipient) {
        Paper paper = Paper.newBuilder()
                .setId("2612.99999")
                .setTitle("A paper nobody was sent yet")
                .setAbstractText("")
                .setSource("bench")
                .build();
        Alert alert = Alert.newBuilder()
                .setRecipient(recipient)
                .setSubscriptionIds(List.of("bench"))
                .setPaper(paper)
                .setReasons(List.of())
                .setMatchedAt(Instant.now())
                .setKind(AlertKind.LIVE)
                .build();
        return Digest.newBuilder()
                .setId("bench-" + recipient)
                .setRecipient(recipient)
                .setKind(DigestKind.INSTANT)
                .setAlerts(List.of(alert))
                .setPeriodStart(Instant.now())
                .setPeriodEnd(Instant.now())
                .build();
    }
}
