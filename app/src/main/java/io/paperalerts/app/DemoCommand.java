package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.fingerprint.Sha256;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.registration.SubscriptionRules;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The whole pipeline in one process, on a real Kafka broker and a real SMTP server embedded in
 * this JVM: subscriptions are registered, papers ingested, matched by Kafka Streams and emailed by
 * the notifier; every email the SMTP server received is written out as an .eml file.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run ingest, streams and notifier locally on an embedded Kafka broker and SMTP server.")
final class DemoCommand implements Callable<Integer> {

    static final String SAMPLE_PAPERS = "samples/hf-papers-page.jsonl";
    static final Map<String, String> SAMPLE_SUBSCRIPTIONS = sampleSubscriptions();

    @Spec
    CommandSpec spec;

    @Option(names = "--papers", paramLabel = "FILE",
            description = "Saved papers, any supported format (repeatable; default: the bundled sample of 67 papers)")
    List<Path> papers = new ArrayList<>();

    @Option(names = "--subscribe", paramLabel = "EMAIL=QUERY",
            description = "A subscription, active at once (repeatable; default: a few sample subscriptions)")
    List<String> subscriptions = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Where the received emails are written (default: ${DEFAULT-VALUE})")
    Path out = Path.of("demo-out");

    @Option(names = "--data", paramLabel = "DIR",
            description = "Keep the broker's topics and offsets in DIR between runs (default: a temporary folder)")
    Path data;

    @Option(names = "--window", paramLabel = "SECONDS",
            description = "Instant delivery window: matches of one recipient within it share an email (default: ${DEFAULT-VALUE})")
    int windowSeconds = 3;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 110;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        Map<String, String> subscribers = parseSubscriptions();
        for (Path file : papers) {
            if (!Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "--papers: cannot read file " + file);
            }
        }
        long started = System.nanoTime();
        console.println("Starting an embedded Kafka broker and SMTP server...");
        console.flush();
        try (EmbeddedKafkaBroker broker = data == null ? EmbeddedKafkaBroker.start() : EmbeddedKafkaBroker.start(data);
             EmbeddedSmtpServer smtp = EmbeddedSmtpServer.start();
             Admin admin = KafkaClients.of(broker.bootstrapServers()).admin()) {
            TopicProvisioner.createMissing(admin, Topics.ALL, (short) 1);
            register(KafkaClients.of(broker.bootstrapServers()), subscribers);

            Path stateDir = broker.dataDir().resolve("streams-state");
            var streamsConfig = new StreamsServiceConfig(Map.of(
                    CommonConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    StreamsServiceConfig.STATE_DIR, stateDir.toString(),
                    StreamsServiceConfig.INSTANT_WINDOW_MS, windowSeconds * 1000L,
                    StreamsServiceConfig.CHECK_INTERVAL_MS, 100L));
            var notifierConfig = new NotifierConfig(Map.of(
                    CommonConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    MailConfig.SMTP_HOST, smtp.host(),
                    MailConfig.SMTP_PORT, smtp.port(),
                    NotifierConfig.STATE_DIR, broker.dataDir().resolve("notifier-state").toString(),
                    // The demo's links lead nowhere yet: a throwaway secret, chosen on purpose.
                    MailConfig.TOKEN_SECRET, shortHash(String.valueOf(System.nanoTime())) + shortHash(data + "")));
            try (AlertStreamsService streams = new AlertStreamsService(streamsConfig).start();
                 AlertNotifier notifier = new AlertNotifier(notifierConfig, new AlertNotifier.Listener() { }).start()) {
                streams.awaitRunning(Duration.ofSeconds(60));

                int published = 0;
                List<String> rejections = new ArrayList<>();
                try (PaperPublisher publisher = new PaperPublisher(new IngestConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers())))) {
                    FileIngestor ingestor = new FileIngestor(publisher);
                    for (FileIngestor.Report report : ingestAll(ingestor)) {
                        published += report.published();
                        rejections.addAll(report.rejections());
                    }
                }
                awaitDelivered(new PipelineProgress(admin), streamsConfig, notifierConfig, streams, notifier, started);

                List<MimeMessage> received = smtp.receivedMessages();
                writeEmails(received, console);
                rejections.forEach(r -> console.println("rejected " + r));
                console.printf("%d papers ingested, %d rejected, %d matched; %d emails sent in %.1f s%n",
                        published, rejections.size(), matchedPapers(received), received.size(),
                        (System.nanoTime() - started) / 1e9);
                console.flush();
            }
        }
        return 0;
    }

    private List<FileIngestor.Report> ingestAll(FileIngestor ingestor) throws IOException {
        List<FileIngestor.Report> reports = new ArrayList<>();
        if (papers.isEmpty()) {
            try (InputStream sample = DemoCommand.class.getResourceAsStream(SAMPLE_PAPERS)) {
                reports.add(ingestor.ingest(sample, "sample:hf-papers-page.jsonl"));
            }
        }
        for (Path file : papers) {
            reports.add(ingestor.ingest(file));
        }
        return reports;
    }

    private Map<String, String> parseSubscriptions() {
        if (subscriptions.isEmpty()) {
            return SAMPLE_SUBSCRIPTIONS;
        }
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String value : subscriptions) {
            int eq = value.indexOf('=');
            String email = eq < 0 ? "" : value.substring(0, eq).strip();
            String query = eq < 0 ? "" : value.substring(eq + 1).strip();
            if (!email.matches("[^@\\s]+@[^@\\s]+") || query.isEmpty()) {
                throw new ParameterException(spec.commandLine(),
                        "--subscribe: expected EMAIL=QUERY, e.g. me@example.org='reward hacking', got '" + value + "'");
            }
            parsed.put(email + "=" + query, query);
        }
        return parsed;
    }

    /** Keys are {@code email=query}, so one address can hold several subscriptions. */
    private static Map<String, String> sampleSubscriptions() {
        Map<String, String> samples = new LinkedHashMap<>();
        samples.put("ada@example.org=\"reward hacking\"", "\"reward hacking\"");
        samples.put("ada@example.org=title:(diffusion OR \"text-to-image\")", "title:(diffusion OR \"text-to-image\")");
        samples.put("grace@example.org=GRPO -\"text-to-image\"", "GRPO -\"text-to-image\"");
        samples.put("alan@example.org=robot*", "robot*");
        return samples;
    }

    private void register(KafkaClients clients, Map<String, String> subscribers) throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        var topic = Topics.SUBSCRIPTIONS;
        try (var producer = clients.producer(Map.<String, Object>of(
                ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (var entry : subscribers.entrySet()) {
                String email = entry.getKey().substring(0, entry.getKey().indexOf('='));
                String id = "demo-" + shortHash(email.toLowerCase(Locale.ROOT) + "\n" + entry.getValue());
                Subscription subscription = Subscription.newBuilder().setId(id).setEmail(email)
                        .setArchiveToken(SubscriptionRules.newArchiveToken())
                        .setQuery(entry.getValue()).setDelivery(DeliveryMode.INSTANT)
                        .setStatus(SubscriptionStatus.ACTIVE).setCreated(Instant.now()).build();
                producer.send(new ProducerRecord<>(topic.name(), id, subscription)).get();
                console.printf("subscribed %s to \"%s\"%n", email, entry.getValue());
            }
        }
    }

    private void awaitDelivered(PipelineProgress progress, StreamsServiceConfig streamsConfig,
            NotifierConfig notifierConfig, AlertStreamsService streams, AlertNotifier notifier, long started)
            throws InterruptedException, TimeoutException {
        long deadline = started + Duration.ofSeconds(timeoutSeconds).toNanos();
        int quietChecks = 0;
        while (quietChecks < 2) {
            if (notifier.crash() != null || !notifier.isRunning()) {
                throw new IllegalStateException("The notifier stopped", notifier.crash());
            }
            quietChecks = quiet(progress, streamsConfig, notifierConfig, streams) ? quietChecks + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Not every paper was processed and emailed within " + timeoutSeconds
                        + " s (streams is " + streams.state() + ", " + notifier.emails() + " emails sent)");
            }
            Thread.sleep(quietChecks == 0 ? 100 : 300);
        }
    }

    /**
     * Whether everything ingested has gone all the way to the SMTP server, stage by stage in the
     * order data flows. Streams commits its input offsets in the same transaction as its output:
     * once an input shows no lag and no transaction is open on the output, the output is readable.
     * Alerts waiting for their instant window sit in the digest store until then. Asked twice in a
     * row, because a digest may be on its way from the store to the topic between two readings.
     */
    private static boolean quiet(PipelineProgress progress, StreamsServiceConfig streamsConfig,
            NotifierConfig notifierConfig, AlertStreamsService streams) {
        String streamsGroup = streamsConfig.getString(StreamsServiceConfig.APPLICATION_ID);
        String notifierGroup = notifierConfig.getString(NotifierConfig.GROUP_ID);
        try {
            return progress.lag(streamsGroup, Topics.PAPERS) == 0 && progress.settled(Topics.ALERTS)
                    && progress.lag(streamsGroup, Topics.ALERTS) == 0 && streams.pendingDigests() == 0
                    && progress.settled(Topics.DIGESTS) && progress.lag(notifierGroup, Topics.DIGESTS) == 0;
        } catch (InvalidStateStoreException e) {
            // The store is between owners (a rebalance): ask again.
            return false;
        }
    }

    /** One email the SMTP server received. */
    private record Received(String recipient, String subject, List<String> paperIds, MimeMessage message) {
    }

    private void writeEmails(List<MimeMessage> messages, PrintWriter console) throws IOException, MessagingException {
        Files.createDirectories(out);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(out, "*.eml")) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        List<Received> received = new ArrayList<>();
        for (MimeMessage message : messages) {
            received.add(new Received(recipient(message), message.getSubject(), paperIds(message), message));
        }
        received.sort(Comparator.comparing(Received::recipient).thenComparing(Received::subject));
        int n = 0;
        for (Received email : received) {
            String name = String.format("%03d-%s.eml", ++n, safe(email.recipient()));
            try (OutputStream file = Files.newOutputStream(out.resolve(name))) {
                email.message().writeTo(file);
            }
            console.printf("  %-24s %s%n", email.recipient(), email.subject());
            if (email.paperIds().size() > 1) {
                console.printf("  %-24s   papers: %s%n", "", String.join(" ", email.paperIds()));
            }
        }
        console.printf("%d emails written to %s%n", received.size(), out.toAbsolutePath().normalize());
    }

    private static long matchedPapers(List<MimeMessage> received) throws MessagingException {
        TreeSet<String> ids = new TreeSet<>();
        for (MimeMessage message : received) {
            ids.addAll(paperIds(message));
        }
        return ids.size();
    }

    private static String recipient(MimeMessage message) throws MessagingException {
        return message.getAllRecipients()[0].toString();
    }

    private static List<String> paperIds(MimeMessage message) throws MessagingException {
        String[] header = message.getHeader("X-Paper-Ids");
        return header == null ? List.of() : List.of(header[0].strip().split(" +"));
    }

    private static String safe(String value) {
        return value.replaceAll("[^A-Za-z0-9._@-]", "_");
    }

    static String shortHash(String value) {
        return Sha256.hex(value, 6);
    }
}
