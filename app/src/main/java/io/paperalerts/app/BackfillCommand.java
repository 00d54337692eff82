package io.paperalerts.app;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.Backfill;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Emails chosen subscriptions the matching papers of a past period. */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = "Email chosen subscriptions the papers of a past period that match them, as one digest per "
                + "recipient. Nobody else gets anything; papers a recipient already got are left out.")
final class BackfillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Period period;

    @Option(names = "--dry-run", description = "Print what would be sent (recipient, paper id, title); send nothing")
    boolean dryRun;

    /** Whose subscriptions. */
    static final class Target {
        @Option(names = "--subscription", paramLabel = "ID", required = true, description = "One subscription")
        String subscriptionId;

        @Option(
                names = "--email",
                paramLabel = "EMAIL",
                required = true,
                description = "Every active subscription of this address")
        String email;
    }

    /** From when. */
    static final class Period {
        @Option(
                names = "--since",
                paramLabel = "DATE",
                required = true,
                description = "From this time on: 2026-11-21 (UTC midnight) or 2026-11-21T06:00:00Z")
        String since;

        @Option(names = "--days", paramLabel = "N", required = true, description = "The last N days")
        Integer days;
    }

    @Override
    public Integer call() {
        var config = new StreamsServiceConfig(service.resolve(StreamsServiceConfig.DEFINITION, Map.of()));
        KafkaClients clients = ServiceOptions.clients(config);
        Instant since = since();
        List<Subscription> chosen = chosen(CompactedTopics.latest(clients, Topics.SUBSCRIPTIONS));
        PrintWriter out = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), onTerminal());
        Backfill.Result result = new Backfill(
                        clients, config.getInt(StreamsServiceConfig.MAX_PAPERS), Clock.systemUTC())
                .run(chosen, since, dryRun, bar);
        bar.finish();
        for (Digest digest : result.digests()) {
            for (Alert alert : digest.getAlerts()) {
                out.printf(
                        "%s %s %s%n",
                        digest.getRecipient(),
                        alert.getPaper().getId(),
                        alert.getPaper().getTitle().replaceAll("\\s+", " ").strip());
            }
            if (digest.getOmitted() > 0) {
                out.printf("%s and %d more papers over the cap%n", digest.getRecipient(), digest.getOmitted());
            }
        }
        long papers = result.digests().stream()
                .mapToLong(d -> d.getAlerts().size() + d.getOmitted())
                .sum();
        out.printf(
                "%s: %,d papers read since %s (%,.0f papers/s), %d matching, %d %s%s%n",
                dryRun ? "Dry run" : "Backfill",
                result.papersRead(),
                since,
                result.papersPerSecond(),
                papers,
                result.digests().size(),
                result.digests().size() == 1 ? "digest" : "digests",
                dryRun
                        ? " would be sent; nothing was sent"
                        : " sent (the streams service puts each in its reader's order, the notifier emails it)");
        out.flush();
        return 0;
    }

    private Instant since() {
        if (period.days != null) {
            if (period.days < 1) {
                throw new ParameterException(spec.commandLine(), "--days: expected at least 1, got " + period.days);
            }
            return Instant.now().minus(Duration.ofDays(period.days));
        }
        return TimeOption.parse(spec, "--since", period.since);
    }

    private List<Subscription> chosen(Map<String, Subscription> all) {
        if (target.subscriptionId != null) {
            Subscription subscription = all.get(target.subscriptionId);
            if (subscription == null) {
                throw new ParameterException(
                        spec.commandLine(), "--subscription: no subscription '" + target.subscriptionId + "'");
            }
            if (subscription.getStatus() != SubscriptionStatus.ACTIVE) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--subscription: '" + target.subscriptionId + "' is "
                                + subscription.getStatus().name().toLowerCase(Locale.ROOT) + ", not active");
            }
            return List.of(subscription);
        }
        List<Subscription> chosen = all.values().stream()
                .filter(s -> s.getStatus() == SubscriptionStatus.ACTIVE)
                .filter(s -> Recipients.same(s.getEmail(), target.email))
                .toList();
        if (chosen.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--email: no active subscription for " + target.email);
        }
        return chosen;
    }

    /** On Java 17 (the runtime here) there is a console only when attached to a terminal. */
    @SuppressWarnings("SystemConsoleNull")
    private static boolean onTerminal() {
        return System.console() != null;
    }
}
