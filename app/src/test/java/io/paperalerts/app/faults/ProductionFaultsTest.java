package io.paperalerts.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.paperalerts.app.PaperAlertsCommand;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.testing.BrokerProcessCluster;
import io.paperalerts.testing.JavaProcess;
import io.paperalerts.testing.LocalHttpServer;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.ScriptedSmtpServer;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production bar, tried as an operator would see it: three Kafka broker processes
 * (replication 3, min ISR 2), ingest, streams and two notifiers each a process of its own, a
 * steady stream of papers to twenty subscribers, and on the way a SIGKILL of a partition leader,
 * of streams, of a notifier and of ingest (each started again at once, as a supervisor would),
 * an SMTP server answering 421 for 30 s, and a notifier killed for good. Verified with
 * read_committed consumers and the SMTP server's mailbox: every expected (recipient, paper)
 * delivered, nothing stray, at most one repeated email per notifier kill, and each service back
 * within its bound. Prints the figures docs/reliability.md shows.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProductionFaultsTest {

    private static final List<String> WORDS = List.of(
            "quasar",
            "lattice",
            "enzyme",
            "tokamak",
            "glacier",
            "neutrino",
            "protein",
            "graphene",
            "monsoon",
            "photon");
    private static final int RECIPIENTS = 20;
    private static final Duration PAPER_EVERY = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final List<Paper> feed = new CopyOnWriteArrayList<>();
    /** The source's new papers, one every {@link #PAPER_EVERY}. */
    private final ScheduledExecutorService source = Executors.newSingleThreadScheduledExecutor();

    private final Map<String, Instant> events = new LinkedHashMap<>();
    private final Map<String, Duration> recoveries = new LinkedHashMap<>();

    @Test
    void shouldDeliverEveryPairOnceThroughBrokerServiceAndSmtpFaults() throws Exception {
        HttpServer feedServer = feedServer();
        try (BrokerProcessCluster kafka = BrokerProcessCluster.start(dir.resolve("kafka"));
                ScriptedSmtpServer smtp = ScriptedSmtpServer.start()) {
            // Given subscribers, and every service running as a process of its own
            Map<String, Subscription> subscriptions = subscribe(kafka);
            JavaProcess streams = service("streams", kafka, smtp, feedServer, "streams-1");
            JavaProcess notifier1 = service("notifier", kafka, smtp, feedServer, "notifier-1");
            JavaProcess notifier2 = service("notifier", kafka, smtp, feedServer, "notifier-2");
            JavaProcess ingest = service("ingest", kafka, smtp, feedServer, "ingest-1");
            List<JavaProcess> services = List.of(streams, notifier1, notifier2, ingest);
            services.forEach(JavaProcess::start);
            try {
                // When papers keep coming while faults are injected
                source.scheduleAtFixedRate(this::addPaper, 0, PAPER_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                await("the first email")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .failFast(() -> services.stream().anyMatch(s -> !s.isAlive()))
                        .until(() -> !smtp.messages().isEmpty());
                Instant start = Instant.now();
                awaitPapersFor(Duration.ofSeconds(6));

                TopicPartition papers0 = new TopicPartition(Topics.PAPERS.name(), 0);
                BrokerProcessCluster.Node leader = kafka.leaderOf(papers0);
                mark("kill broker " + leader.id() + " (leader of papers-0)");
                leader.process().kill();
                awaitPapersFor(Duration.ofSeconds(5));
                leader.process().start();
                mark("restart broker " + leader.id());
                awaitPapersFor(Duration.ofSeconds(6));
                // One fault at a time: the next starts once the restarted broker has caught up
                // (a service restarting while coordinators move measured 21 s instead of 7 to 10).
                kafka.awaitFullIsr(Duration.ofSeconds(60));
                mark("every replica in sync again");

                Set<String> notifier1Recipients = recipientsOf(kafka, "notifier-1");
                mark("kill streams");
                streams.kill();
                streams.start();
                awaitPapersFor(Duration.ofSeconds(12));

                mark("kill notifier-1");
                notifier1.kill();
                notifier1.start();
                awaitPapersFor(Duration.ofSeconds(12));

                mark("kill ingest");
                ingest.kill();
                ingest.start();
                awaitPapersFor(Duration.ofSeconds(10));

                mark("SMTP answers 421 for 30 s");
                smtp.refuseEverythingFor(
                        Duration.ofSeconds(30), new ScriptedSmtpServer.Reply(421, "4.3.2 Service shutting down"));
                await("the SMTP server answering again")
                        .atMost(Duration.ofSeconds(40))
                        .until(() -> !smtp.refusingEverything());
                mark("SMTP answers again");
                awaitPapersFor(Duration.ofSeconds(6));

                Set<String> notifier2Recipients = recipientsOf(kafka, "notifier-2");
                mark("kill notifier-2 for good");
                notifier2.kill();
                awaitPapersFor(Duration.ofSeconds(16));
                source.shutdownNow();
                assertThat(source.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                Instant lastPaper = Instant.now();

                // Then every paper of the feed is published (the last ones by the next poll) ...
                await("the whole feed published")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> readAll(kafka, Topics.PAPERS).stream()
                                        .map(Paper::getId)
                                        .distinct()
                                        .count()
                                == feed.size());
                // ... and every expected pair arrives
                Map<String, Set<String>> expected = expected(subscriptions, feed);
                int expectedPairs =
                        expected.values().stream().mapToInt(Set::size).sum();
                await("every expected pair delivered")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> delivered(smtp).keySet().size() >= expectedPairs);
                // Positive control for "nothing more": a marker paper published after everything
                // else is delivered last; whatever was still on its way would have arrived first.
                String marker = "2612.99999";
                publishMarker(kafka, marker);
                await("the marker's emails")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> delivered(smtp).keySet().stream()
                                        .filter(p -> p.endsWith(" " + marker))
                                        .count()
                                == 2);

                Map<String, Integer> deliveredPairs = delivered(smtp);
                Set<String> expectedSet = new HashSet<>();
                expected.forEach((paper, recipients) -> recipients.forEach(r -> expectedSet.add(r + " " + paper)));
                Set<String> missing = new HashSet<>(expectedSet);
                missing.removeAll(deliveredPairs.keySet());
                Set<String> stray = new HashSet<>(deliveredPairs.keySet());
                stray.removeAll(expectedSet);
                stray.removeIf(p -> p.endsWith(" " + marker));
                long repeatedEmails = repeatedEmails(smtp);

                measureRecoveries(kafka, smtp, notifier1Recipients, notifier2Recipients);
                report(
                        expectedPairs,
                        feed.size(),
                        missing.size(),
                        repeatedEmails,
                        smtp.messages().size(),
                        Duration.between(start, lastPaper));

                assertThat(missing).as("pairs lost").isEmpty();
                assertThat(stray).as("pairs nobody asked for").isEmpty();
                assertThat(repeatedEmails)
                        .as("repeated emails (at most one per notifier kill)")
                        .isLessThanOrEqualTo(2);
                // The target is 10 s from a kill to work resumed; docs/reliability.md shows what was
                // measured and what it is made of. These bounds only say the service came back and
                // leave room for a CI machine where eight JVMs share two cores. Streams after SIGKILL
                // restores every store from its changelog (exactly-once: no checkpoint survives), and
                // measured 10 to 13 s here and 22 s once in CI. A notifier killed for good is replaced
                // after its session (10 s) and a rebalance.
                recoveries.forEach((what, took) -> {
                    Duration bound = what.contains("for good")
                            ? Duration.ofSeconds(25)
                            : what.startsWith("streams") ? Duration.ofSeconds(30) : Duration.ofSeconds(15);
                    assertThat(took).as(what).isLessThanOrEqualTo(bound);
                });
                assertThat(streams.isAlive() && notifier1.isAlive() && ingest.isAlive())
                        .as("services alive")
                        .isTrue();
            } catch (AssertionError | RuntimeException e) {
                StringBuilder logs = new StringBuilder();
                services.forEach(s -> logs.append(s.tail(40)).append('\n'));
                throw new AssertionError(e.getMessage() + "\n" + logs + kafka.logs(20), e);
            } finally {
                source.shutdownNow();
                services.forEach(s -> s.stop(Duration.ofSeconds(10)));
            }
        } finally {
            feedServer.stop(0);
        }
    }

    // ---- the scenario

    private void mark(String event) {
        events.put(event, Instant.now());
        System.out.printf("%s %s%n", Instant.now(), event);
    }

    /** A paper whose title names two of the words, so each paper matches four subscribers. */
    private void addPaper() {
        int i = feed.size();
        String title = "On the " + WORDS.get(i % WORDS.size()) + " and the " + WORDS.get((i * 3 + 1) % WORDS.size())
                + " problem";
        feed.add(Paper.newBuilder()
                .setId(String.format("2612.%05d", i + 1))
                .setTitle(title)
                .setAbstractText("A steady stream of papers.")
                .setSource("hf-daily")
                .build());
    }

    /** Lets the papers of {@code span} appear (one every {@link #PAPER_EVERY}) while the system copes. */
    private void awaitPapersFor(Duration span) {
        int target = feed.size() + (int) (span.toMillis() / PAPER_EVERY.toMillis());
        await().atMost(span.multipliedBy(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> feed.size() >= target);
    }

    private Map<String, Subscription> subscribe(BrokerProcessCluster kafka) throws Exception {
        Map<String, Subscription> subscriptions = new LinkedHashMap<>();
        for (int r = 0; r < RECIPIENTS; r++) {
            String id = "chaos-" + r;
            subscriptions.put(
                    id,
                    Subscription.newBuilder()
                            .setId(id)
                            .setEmail("reader" + r + "@example.org")
                            .setQuery(WORDS.get(r % WORDS.size()))
                            .setDelivery(DeliveryMode.INSTANT)
                            .setTimezone("UTC")
                            .setStatus(SubscriptionStatus.ACTIVE)
                            .setCreated(Instant.now())
                            .build());
        }
        var topic = Topics.SUBSCRIPTIONS;
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (var s : subscriptions.values()) {
                producer.send(new ProducerRecord<>(topic.name(), s.getId(), s)).get();
            }
        }
        return subscriptions;
    }

    private void publishMarker(BrokerProcessCluster kafka, String id) throws Exception {
        var topic = Topics.PAPERS;
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(
                            topic.name(),
                            id,
                            Paper.newBuilder()
                                    .setId(id)
                                    .setTitle("The marker: " + WORDS.get(0))
                                    .setAbstractText("")
                                    .setSource("test")
                                    .build()))
                    .get();
        }
    }

    /** Each service's own configuration file, as a deployment would give it. */
    private JavaProcess service(
            String command, BrokerProcessCluster kafka, ScriptedSmtpServer smtp, HttpServer feedServer, String instance)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("topics.replication.factor", "3");
        switch (command) {
            case "streams" -> {
                p.put("group.instance.id", instance);
                p.put("streams.state.dir", dir.resolve(instance + "-state").toString());
                p.put("http.port", "0");
                p.put("mail.token.secret", "chaos-test-secret-0123456789");
                p.put("digest.instant.window.ms", "2000");
                p.put("digest.check.interval.ms", "200");
                p.put("digest.max.emails.per.hour", "1000");
            }
            case "notifier" -> {
                p.put("group.instance.id", instance);
                p.put("notifier.state.dir", dir.resolve(instance + "-state").toString());
                p.put("smtp.host", "127.0.0.1");
                p.put("smtp.port", String.valueOf(smtp.port()));
                p.put("mail.token.secret", "chaos-test-secret-0123456789");
                p.put("notifier.retry.initial.ms", "250");
                p.put("notifier.retry.max.ms", "2000");
                // Two notifiers on one host: no metrics port (their own test is OperationsEndToEndTest)
                p.put("notifier.metrics.port", "0");
            }
            case "ingest" -> {
                p.put("ingest.sources", "hf-daily");
                p.put(
                        "ingest.hf.url",
                        "http://127.0.0.1:" + feedServer.getAddress().getPort() + "/api/daily_papers");
                p.put("ingest.hf.interval.ms", "1000");
                p.put("ingest.delivery.timeout.ms", "20000");
                p.put("ingest.metrics.port", "0");
            }
            default -> throw new IllegalArgumentException(command);
        }
        Path file = dir.resolve(instance + ".properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(writer, instance);
        }
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--config", file.toString()));
        if (command.equals("ingest")) {
            args.add("run");
        }
        return new JavaProcess(
                instance,
                dir.resolve(instance + ".log"),
                List.of("-Xmx384m"),
                PaperAlertsCommand.class.getName(),
                args);
    }

    /** The Hugging Face daily papers API, serving the feed as it grows. */
    private HttpServer feedServer() {
        return LocalHttpServer.serving("/api/daily_papers", "application/json", () -> {
            StringBuilder json = new StringBuilder("[");
            for (Paper paper : feed) {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append("{\"paper\":{\"id\":\"")
                        .append(paper.getId())
                        .append("\",\"title\":\"")
                        .append(paper.getTitle())
                        .append("\",\"summary\":\"")
                        .append(paper.getAbstractText())
                        .append("\",\"authors\":[{\"name\":\"A. Author\"}]}}");
            }
            return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    // ---- what happened

    /** Paper id to the recipients the matcher says it is for. */
    private static Map<String, Set<String>> expected(Map<String, Subscription> subscriptions, List<Paper> papers) {
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        subscriptions.forEach(matcher::update);
        Map<String, Set<String>> expected = new HashMap<>();
        for (Paper paper : papers) {
            for (var match : matcher.match(paper)) {
                expected.computeIfAbsent(paper.getId(), p -> new HashSet<>())
                        .add(match.subscription().getEmail());
            }
        }
        return expected;
    }

    /** "recipient paper" to the number of emails that carried it. */
    private static Map<String, Integer> delivered(ScriptedSmtpServer smtp) throws Exception {
        Map<String, Integer> pairs = new HashMap<>();
        for (MimeMessage message : smtp.messages()) {
            String recipient = message.getAllRecipients()[0].toString();
            for (String paper : message.getHeader("X-Paper-Ids")[0].split(" ")) {
                pairs.merge(recipient + " " + paper, 1, Integer::sum);
            }
        }
        return pairs;
    }

    /** Emails carrying at least one pair an earlier email carried. */
    private static long repeatedEmails(ScriptedSmtpServer smtp) throws Exception {
        Set<String> seen = new HashSet<>();
        long repeated = 0;
        for (MimeMessage message : smtp.messages()) {
            String recipient = message.getAllRecipients()[0].toString();
            boolean again = false;
            for (String paper : message.getHeader("X-Paper-Ids")[0].split(" ")) {
                again |= !seen.add(recipient + " " + paper);
            }
            repeated += again ? 1 : 0;
        }
        return repeated;
    }

    /** The recipients whose digests partitions a notifier instance owns now. */
    private static Set<String> recipientsOf(BrokerProcessCluster kafka, String instance) throws Exception {
        String group = "paper-alerts-notifier";
        var description =
                kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
        Set<Integer> partitions = new HashSet<>();
        description.members().stream()
                .filter(m -> instance.equals(m.groupInstanceId().orElse(null)))
                .forEach(m -> m.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(Topics.DIGESTS.name()))
                        .forEach(tp -> partitions.add(tp.partition())));
        Set<String> recipients = new HashSet<>();
        for (int r = 0; r < RECIPIENTS; r++) {
            String recipient = "reader" + r + "@example.org";
            if (partitions.contains(Topics.DIGESTS.partitionOf(recipient))) {
                recipients.add(recipient);
            }
        }
        return recipients;
    }

    private void measureRecoveries(
            BrokerProcessCluster kafka,
            ScriptedSmtpServer smtp,
            Set<String> notifier1Recipients,
            Set<String> notifier2Recipients)
            throws Exception {
        List<Instant> published = new ArrayList<>();
        readAllRecords(kafka, Topics.PAPERS).forEach(r -> published.add(Instant.ofEpochMilli(r.timestamp())));
        List<Instant> matched =
                readAll(kafka, Topics.ALERTS).stream().map(Alert::getMatchedAt).toList();
        List<MimeMessage> messages = smtp.messages();
        List<Instant> accepted = smtp.acceptedAt();
        events.forEach((event, at) -> {
            if (event.startsWith("kill broker")) {
                recoveries.put("ingest publishes again after " + event, firstAfter(published, at, i -> true, at));
            } else if (event.equals("kill streams")) {
                recoveries.put(
                        "streams matches again after SIGKILL and restart", firstAfter(matched, at, i -> true, at));
            } else if (event.equals("kill ingest")) {
                recoveries.put(
                        "ingest publishes again after SIGKILL and restart", firstAfter(published, at, i -> true, at));
            } else if (event.equals("kill notifier-1")) {
                recoveries.put(
                        "notifier-1's recipients get email again after SIGKILL and restart",
                        firstAfter(accepted, at, i -> to(messages.get(i), notifier1Recipients), at));
            } else if (event.equals("kill notifier-2 for good")) {
                recoveries.put(
                        "notifier-2's recipients get email again after it is killed for good",
                        firstAfter(accepted, at, i -> to(messages.get(i), notifier2Recipients), at));
            } else if (event.equals("SMTP answers again")) {
                recoveries.put(
                        "emails flow again after SMTP answered 421 for 30 s", firstAfter(accepted, at, i -> true, at));
            }
        });
    }

    private static boolean to(MimeMessage message, Set<String> recipients) {
        try {
            return recipients.contains(message.getAllRecipients()[0].toString());
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From {@code from} to the first time at or after it (by index filter), or a very long time when none. */
    private static Duration firstAfter(List<Instant> times, Instant from, Predicate<Integer> which, Instant since) {
        Instant best = null;
        for (int i = 0; i < times.size(); i++) {
            Instant t = times.get(i);
            if (!t.isBefore(from) && which.test(i) && (best == null || t.isBefore(best))) {
                best = t;
            }
        }
        return best == null ? Duration.ofDays(1) : Duration.between(since, best);
    }

    private void report(int expectedPairs, int papers, int lost, long repeated, int emails, Duration faults) {
        StringBuilder out = new StringBuilder("\n== Production faults: results ==\n");
        out.append(String.format("| papers | expected pairs | lost | repeated emails | emails | run with faults |%n"));
        out.append(String.format("|---|---|---|---|---|---|%n"));
        out.append(String.format(
                "| %d | %d | %d | %d | %d | %d s |%n%n",
                papers, expectedPairs, lost, repeated, emails, faults.toSeconds()));
        out.append(String.format("| fault | back after |%n|---|---|%n"));
        recoveries.forEach(
                (what, took) -> out.append(String.format("| %s | %.1f s |%n", what, took.toMillis() / 1000.0)));
        System.out.println(out);
        try {
            // Where docs/reliability.md takes its figures from (relative to the module: app/target).
            Files.writeString(Path.of("target", "production-faults.md"), out.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <V> List<V> readAll(BrokerProcessCluster kafka, Topic<String, V> topic) {
        return readAllRecords(kafka, topic).stream().map(ConsumerRecord::value).toList();
    }

    /** Everything on a topic up to its end now, read_committed. */
    private static <V> List<ConsumerRecord<String, V>> readAllRecords(
            BrokerProcessCluster kafka, Topic<String, V> topic) {
        return RealKafka.readToEnd(kafka.bootstrapServers(), topic);
    }
}
