package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.fingerprint.Sha256;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.registration.RegistrationServer;
import io.paperalerts.registration.SubscriptionRules;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run ingest, streams and notifier locally on an embedded Kafka broker and SMTP server.")
final class DemoCommand implements Callable<Integer> {

    /** A sample in JSON lines (67 papers of a Hugging Face papers page, without authors or links), for other uses. */
    static final String SAMPLE_PAPERS = "samples/hf-papers-page.jsonl";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--papers",
            paramLabel = "FILE",
            description = "Saved papers, any supported format (repeatable; default: the bundled sample of 67 papers)")
    List<Path> papers = new ArrayList<>();

    @Option(
            names = "--subscribe",
            paramLabel = "EMAIL=QUERY",
            description = "A subscription, active at once (repeatable; default: a few sample subscriptions)")
    List<String> subscriptions = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the received emails are written (default: ${DEFAULT-VALUE})")
    Path out = Path.of("demo-out");

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Keep the broker's topics and offsets in DIR between runs (default: a temporary folder)")
    Path data;

    @Option(
            names = "--window",
            paramLabel = "SECONDS",
            description =
                    "Instant delivery window: matches of one recipient within it share an email (default: ${DEFAULT-VALUE})")
    int windowSeconds = 3;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Give up after this long (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 110;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description =
                    "Port of the web pages the emails link to: subscribe, manage, archives and feeds (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(
            names = "--serve",
            description = "Keep the broker and the web pages up after the emails are written, until Ctrl-C")
    boolean serve;

    /** Counted down once everything the demo started is closed. */
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } finally {
            closed.countDown();
        }
    }

    // The web pages serve for as long as the demo runs: their server is a resource held, not used.
    @SuppressWarnings("try")
    private int run() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        List<DemoSample.Subscriber> subscribers;
        try {
            subscribers = subscriptions.isEmpty() ? DemoSample.SUBSCRIBERS : DemoSample.parse(subscriptions);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--subscribe: " + e.getMessage());
        }
        for (Path file : papers) {
            if (!Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "--papers: cannot read file " + file);
            }
        }
        long started = System.nanoTime();
        console.println("Starting an embedded Kafka broker and SMTP server...");
        console.flush();
        MovableClock clock = MovableClock.running();
        try (EmbeddedKafkaBroker broker = data == null ? EmbeddedKafkaBroker.start() : EmbeddedKafkaBroker.start(data);
                EmbeddedSmtpServer smtp = EmbeddedSmtpServer.start();
                Admin admin = KafkaClients.of(broker.bootstrapServers()).admin()) {
            TopicProvisioner.createMissing(admin, Topics.ALL, (short) 1);
            List<Subscription> registered = register(KafkaClients.of(broker.bootstrapServers()), subscribers);

            Path stateDir = broker.dataDir().resolve("streams-state");
            var streamsConfig = new StreamsServiceConfig(Map.of(
                    CommonConfig.BOOTSTRAP_SERVERS,
                    broker.bootstrapServers(),
                    StreamsServiceConfig.STATE_DIR,
                    stateDir.toString(),
                    StreamsServiceConfig.INSTANT_WINDOW_MS,
                    windowSeconds * 1000L,
                    StreamsServiceConfig.CHECK_INTERVAL_MS,
                    100L));
            // Links in the emails lead to this run's web pages, signed with a secret of this run.
            Map<String, Object> mail = Map.of(
                    CommonConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    MailConfig.SMTP_HOST, smtp.host(),
                    MailConfig.SMTP_PORT, smtp.port(),
                    MailConfig.LINKS_BASE_URL, "http://localhost:" + port,
                    MailConfig.TOKEN_SECRET,
                            shortHash(String.valueOf(System.nanoTime()))
                                    + shortHash(data + "")
                                    + shortHash(String.valueOf(Instant.now())));
            Map<String, Object> notifierValues = new LinkedHashMap<>(mail);
            notifierValues.put(
                    NotifierConfig.STATE_DIR,
                    broker.dataDir().resolve("notifier-state").toString());
            var notifierConfig = new NotifierConfig(notifierValues);
            Map<String, Object> registrationValues = new LinkedHashMap<>(mail);
            registrationValues.put(RegistrationConfig.HTTP_PORT, port);
            Instant digestHour = nextDigestHour(streamsConfig.getInt(StreamsServiceConfig.DAILY_HOUR));
            try (AlertStreamsService streams = new AlertStreamsService(streamsConfig, clock).start();
                    AlertNotifier notifier =
                            new AlertNotifier(notifierConfig, new AlertNotifier.Listener() {}).start()) {
                streams.awaitRunning(Duration.ofSeconds(60));
                try (RegistrationServer web = new RegistrationServer(
                                new RegistrationConfig(registrationValues),
                                streams,
                                streams,
                                BackfillRequests.of(50, Clock.systemUTC()),
                                Clock.systemUTC())
                        .start()) {
                    int published = 0;
                    List<String> rejections = new ArrayList<>();
                    try (PaperPublisher publisher = new PaperPublisher(
                            new IngestConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers())))) {
                        if (papers.isEmpty()) {
                            // As if every source had been polled on the day before the digests go out.
                            for (Paper paper : DemoSample.papers(digestHour
                                    .atZone(ZoneOffset.UTC)
                                    .toLocalDate()
                                    .minusDays(1))) {
                                publisher.publish(paper);
                                published++;
                            }
                            publisher.flush();
                        }
                        FileIngestor ingestor = new FileIngestor(publisher);
                        for (Path file : papers) {
                            FileIngestor.Report report = ingestor.ingest(file);
                            published += report.published();
                            rejections.addAll(report.rejections());
                        }
                    }
                    PipelineProgress progress = new PipelineProgress(admin);
                    awaitDelivered(
                            progress, streamsConfig, notifierConfig, streams, notifier, started, DeliveryMode.INSTANT);
                    long later = registered.stream()
                            .filter(s -> s.getDelivery() != DeliveryMode.INSTANT)
                            .count();
                    if (later > 0) {
                        console.printf(
                                "Moving the digest clock to %s: the daily digests and trending rankings go out%n",
                                digestHour);
                        console.flush();
                        long before = streams.digestsEmitted();
                        clock.set(digestHour.plusSeconds(1));
                        if (papers.isEmpty()) {
                            // The sample has content for each of them; other papers may have none.
                            awaitDigests(streams, before + later, started);
                        }
                        awaitDelivered(progress, streamsConfig, notifierConfig, streams, notifier, started, null);
                    }

                    List<MimeMessage> received = smtp.receivedMessages();
                    DemoEmails.write(received, out, console);
                    rejections.forEach(r -> console.println("rejected " + r));
                    console.printf(
                            "%d papers ingested, %d rejected, %d matched; %d emails sent in %.1f s%n",
                            published,
                            rejections.size(),
                            DemoEmails.matchedPapers(received),
                            received.size(),
                            (System.nanoTime() - started) / 1e9);
                    printPages(console, registered);
                    if (serve) {
                        console.printf(
                                "Serving http://localhost:%d/ (the links in the emails work) until Ctrl-C%n", port);
                        console.flush();
                        untilStopped();
                    }
                    console.flush();
                }
            }
        }
        return 0;
    }

    /** The next time the daily digests are due (at their hour, in UTC, where the sample subscribers are). */
    static Instant nextDigestHour(int hour) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime due = now.toLocalDate().atTime(hour, 0).atZone(ZoneOffset.UTC);
        return (due.isAfter(now) ? due : due.plusDays(1)).toInstant();
    }

    private void printPages(PrintWriter console, List<Subscription> registered) {
        String base = "http://localhost:" + port;
        console.printf("Web pages (up while the demo runs; --serve keeps them): %s/%n", base);
        for (Subscription s : registered) {
            String archive = base + "/archive/" + s.getId() + "/" + s.getArchiveToken();
            console.printf(
                    "  %s, %s:%n    %s%n    feeds: %s/atom  %s/json%n",
                    s.getEmail(), AlertMailer.describe(s), archive, archive, archive);
        }
    }

    /** Until the process is asked to stop (Ctrl-C, SIGTERM) or this thread is interrupted. */
    private void untilStopped() {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        // The JVM ends when its hooks do: let the demo close its broker and servers first.
                        closed.await(15, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            // The stop of a demo run on a thread: it closes everything as after Ctrl-C, so the
            // interrupt is not passed on to the closes that follow.
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private void awaitDigests(AlertStreamsService streams, long emitted, long started)
            throws InterruptedException, TimeoutException {
        long deadline = started + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (streams.digestsEmitted() < emitted) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("The daily digests were not sent within " + timeoutSeconds + " s");
            }
            Thread.sleep(100);
        }
    }

    private List<Subscription> register(KafkaClients clients, List<DemoSample.Subscriber> subscribers)
            throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        var topic = Topics.SUBSCRIPTIONS;
        List<Subscription> registered = new ArrayList<>();
        try (var producer = clients.producer(
                Map.<String, Object>of(ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (DemoSample.Subscriber subscriber : subscribers) {
                String id = "demo-"
                        + shortHash(subscriber.email().toLowerCase(Locale.ROOT) + "\n" + subscriber.query() + "\n"
                                + subscriber.trendingTop());
                Subscription subscription = Subscription.newBuilder()
                        .setId(id)
                        .setEmail(subscriber.email())
                        .setArchiveToken(SubscriptionRules.newArchiveToken())
                        .setQuery(subscriber.query())
                        .setDelivery(subscriber.delivery())
                        .setTrendingTop(subscriber.trendingTop())
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(topic.name(), id, subscription))
                        .get();
                registered.add(subscription);
                console.printf(
                        "subscribed %s to %s%n",
                        subscriber.email(),
                        AlertMailer.describe(subscription) + ", "
                                + subscriber.delivery().name().toLowerCase(Locale.ROOT));
            }
        }
        return registered;
    }

    /** @param mode the delivery mode whose open digests must have gone out; {@code null} for all */
    private void awaitDelivered(
            PipelineProgress progress,
            StreamsServiceConfig streamsConfig,
            NotifierConfig notifierConfig,
            AlertStreamsService streams,
            AlertNotifier notifier,
            long started,
            DeliveryMode mode)
            throws InterruptedException, TimeoutException {
        long deadline = started + Duration.ofSeconds(timeoutSeconds).toNanos();
        int quietChecks = 0;
        while (quietChecks < 2) {
            if (notifier.crash() != null || !notifier.isRunning()) {
                throw new IllegalStateException("The notifier stopped", notifier.crash());
            }
            quietChecks = progress.quiet(streamsConfig, notifierConfig, streams, mode) ? quietChecks + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Not every paper was processed and emailed within " + timeoutSeconds
                        + " s (streams is " + streams.state() + ", " + notifier.emails() + " emails sent)");
            }
            Thread.sleep(quietChecks == 0 ? 100 : 300);
        }
    }

    static String shortHash(String value) {
        return Sha256.hex(value, 6);
    }
}
