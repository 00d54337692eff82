package io.paperalerts.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.queries.Recipients;
import io.paperalerts.registration.SubscriptionRules;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.Backfill;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code subscribe}, {@code list} and {@code unsubscribe}: against a running system's API
 * ({@code --api URL}: the address owner confirms by email, as on the web page), or, for
 * operators, directly on the {@code subscriptions} topic (no confirmation).
 */
final class SubscriptionCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SubscriptionCommands() {}

    /** Where the commands act. */
    static final class Target {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Mixin
        ServiceOptions service;

        @Option(
                names = "--api",
                paramLabel = "URL",
                description =
                        "A running system's base URL, e.g. https://alerts.example.org; without it, act on the topics")
        String api;

        StreamsServiceConfig config() {
            return new StreamsServiceConfig(service.resolve(StreamsServiceConfig.DEFINITION, Map.of()));
        }

        KafkaClients clients() {
            return ServiceOptions.clients(config());
        }

        /** @return the exit code: 0 for 2xx, 1 otherwise (the API's reason printed) */
        int call(String method, String path, String json) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.replaceFirst("/+$", "") + path))
                    .timeout(Duration.ofSeconds(30));
            request.method(
                    method,
                    json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // A refused or timed-out connection is the address's problem, said in one line.
                throw new IllegalStateException(
                        "cannot reach the paper-alerts API at " + api + ": "
                                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                        e);
            }
            PrintWriter out = response.statusCode() < 300
                    ? spec.commandLine().getOut()
                    : spec.commandLine().getErr();
            String body = response.body();
            try {
                JsonNode node = body.isEmpty() ? null : JSON.readTree(body);
                if (node != null && node.has("reason")) {
                    out.println("Refused (" + response.statusCode() + "): "
                            + (node.has("field") ? node.get("field").asText() + ": " : "")
                            + node.get("reason").asText());
                } else if (node != null && node.has("message")) {
                    out.println(node.get("message").asText());
                } else {
                    out.println(response.statusCode() == 204 ? "Done." : body);
                }
            } catch (IOException e) {
                out.println("HTTP " + response.statusCode() + ": " + body);
            }
            out.flush();
            return response.statusCode() < 300 ? 0 : 1;
        }
    }

    @Command(
            name = "subscribe",
            mixinStandardHelpOptions = true,
            description = "Subscribe an address to a query: through the API (confirmation by email) or, for operators, "
                    + "directly on the topics (active at once).")
    static final class Subscribe implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--email", required = true, paramLabel = "EMAIL")
        String email;

        @Option(
                names = "--query",
                paramLabel = "QUERY",
                description = "What papers must match; optional with --trending-top (it then ranks every paper)")
        String query;

        @Option(
                names = "--trending-top",
                paramLabel = "N",
                description = "A trending subscription: the N most upvoted papers of each day (daily) or week (weekly)")
        Integer trendingTop;

        @Option(
                names = "--delivery",
                paramLabel = "MODE",
                description = "instant, daily or weekly (default: instant; daily for a trending subscription)")
        String delivery;

        @Option(
                names = "--timezone",
                paramLabel = "ZONE",
                description = "For daily and weekly digests (default: ${DEFAULT-VALUE})")
        String timezone = "UTC";

        @Option(
                names = "--backfill-days",
                paramLabel = "N",
                description = "Also send the matching papers of the last N days")
        int backfillDays;

        @Override
        public Integer call() throws Exception {
            if (target.api != null) {
                ObjectNode body = JSON.createObjectNode()
                        .put("email", email)
                        .put("query", query)
                        .put("delivery", delivery)
                        .put("timezone", timezone)
                        .put("backfillDays", backfillDays);
                if (trendingTop != null) {
                    body.putObject("trending").put("top", trendingTop);
                }
                return target.call("POST", "/api/subscriptions", JSON.writeValueAsString(body));
            }
            Subscription subscription;
            try {
                subscription = Subscription.newBuilder()
                        .setId(SubscriptionRules.newId())
                        .setArchiveToken(SubscriptionRules.newArchiveToken())
                        .setEmail(SubscriptionRules.email(email))
                        .setTrendingTop(trendingTop == null ? null : SubscriptionRules.trendingTop(trendingTop))
                        .setQuery(SubscriptionRules.query(query, new SubscriptionMatcher(), trendingTop))
                        .setDelivery(SubscriptionRules.delivery(delivery, trendingTop))
                        .setTimezone(SubscriptionRules.timezone(timezone))
                        .setBackfillDays(SubscriptionRules.backfillDays(backfillDays, 3650))
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.now())
                        .setConfirmed(Instant.now())
                        .build();
            } catch (SubscriptionRules.Invalid e) {
                throw new ParameterException(
                        target.spec.commandLine(), "--" + option(e.field()) + ": " + e.getMessage());
            }
            StreamsServiceConfig config = target.config();
            KafkaClients clients = ServiceOptions.clients(config);
            write(clients, subscription.getId(), subscription);
            PrintWriter out = target.spec.commandLine().getOut();
            out.printf(
                    "subscribed %s to %s (%s, active), id %s%n",
                    subscription.getEmail(),
                    AlertMailer.describe(subscription),
                    subscription.getDelivery().name().toLowerCase(Locale.ROOT),
                    subscription.getId());
            if (backfillDays > 0) {
                var result = new Backfill(clients, config.getInt(StreamsServiceConfig.MAX_PAPERS), Clock.systemUTC())
                        .runRequestedDays(subscription);
                out.printf(
                        "backfill: %d papers read, %d digest(s) sent to the notifier%n",
                        result.papersRead(), result.digests().size());
            }
            out.flush();
            return 0;
        }

        private static String option(String field) {
            return switch (field) {
                case "backfillDays" -> "backfill-days";
                case "trending.top" -> "trending-top";
                default -> field;
            };
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "List an address's subscriptions (on the topics), or have the API email it a link to manage them.")
    static final class ListSubscriptions implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--email", required = true, paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() throws Exception {
            if (target.api != null) {
                // Nobody may list someone else's subscriptions: the owner gets a link by email.
                return target.call(
                        "POST",
                        "/api/manage-link",
                        JSON.writeValueAsString(JSON.createObjectNode().put("email", email)));
            }
            PrintWriter out = target.spec.commandLine().getOut();
            List<Subscription> found = CompactedTopics.latest(target.clients(), Topics.SUBSCRIPTIONS).values().stream()
                    .filter(s -> Recipients.same(s.getEmail(), email))
                    .sorted(Comparator.comparing(Subscription::getCreated))
                    .toList();
            for (Subscription s : found) {
                out.printf(
                        "%s  %-9s %-7s %s%n",
                        s.getId(),
                        s.getStatus().name().toLowerCase(Locale.ROOT),
                        s.getDelivery().name().toLowerCase(Locale.ROOT),
                        s.getTrendingTop() == null ? s.getQuery() : "trending: " + AlertMailer.describe(s));
            }
            out.printf("%d subscription(s) of %s%n", found.size(), email);
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "unsubscribe",
            mixinStandardHelpOptions = true,
            description = "End a subscription: on the topics, or through the API with the token of a manage link.")
    static final class Unsubscribe implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        /** Where the token of a manage link comes from: never the command line, which others can read in ps. */
        static final String TOKEN_ENV = "PAPER_ALERTS_MANAGE_TOKEN";

        @Option(
                names = "--token-stdin",
                description = "With --api: read the token of a manage link (from an email) "
                        + "from the first line of standard input; otherwise from the environment variable " + TOKEN_ENV)
        boolean tokenFromStdin;

        @Override
        public Integer call() throws Exception {
            if (target.api != null) {
                String token = tokenFromStdin
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine()
                        : System.getenv(TOKEN_ENV);
                if (token == null || token.isBlank()) {
                    throw new ParameterException(
                            target.spec.commandLine(),
                            "a manage token is required with --api: "
                                    + "give it on standard input with --token-stdin, or in " + TOKEN_ENV
                                    + " (from a manage link; `list --email E --api URL` emails one)");
                }
                token = token.strip();
                return target.call(
                        "DELETE",
                        "/api/subscriptions/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?token="
                                + URLEncoder.encode(token, StandardCharsets.UTF_8),
                        null);
            }
            KafkaClients clients = target.clients();
            Subscription current =
                    CompactedTopics.latest(clients, Topics.SUBSCRIPTIONS).get(id);
            if (current == null) {
                throw new ParameterException(target.spec.commandLine(), "--id: no subscription '" + id + "'");
            }
            write(
                    clients,
                    id,
                    Subscription.newBuilder(current)
                            .setStatus(SubscriptionStatus.CANCELLED)
                            .build());
            target.spec
                    .commandLine()
                    .getOut()
                    .printf("unsubscribed %s (%s from \"%s\")%n", id, current.getEmail(), current.getQuery());
            target.spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static void write(KafkaClients clients, String id, Subscription subscription) throws InterruptedException {
        var topic = Topics.SUBSCRIPTIONS;
        try (var producer = clients.producer(
                Map.<String, Object>of(ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), id, subscription)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot write subscription " + id + ": " + e.getCause().getMessage(), e);
        }
    }
}
