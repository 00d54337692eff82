package io.paperalerts.app;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.mail.AddressHash;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.mail.ManageGenerations;
import io.paperalerts.queries.Recipients;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.registration.SubscriberErasure;
import io.paperalerts.registration.SubscriptionRules;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "forget",
        mixinStandardHelpOptions = true,
        description = {
            "Erase an address everywhere paper-alerts keeps it, for a subscriber who asks to be forgotten: "
                    + "its subscriptions (pending ones too) and manage links now; its open digests, archive and "
                    + "delivery record as soon as the streams service and the notifier read the request.",
            "Subscribers can do the same themselves: \"Delete all my data\" on their manage page."
        })
final class ForgetCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "EMAIL", description = "The address to forget")
    String email;

    @Override
    public Integer call() throws Exception {
        String address = SubscriptionRules.email(email);
        // The streams service's own configuration (with registration's keys): the same secret, the same cluster.
        Map<String, Object> values = service.resolve(StreamsCommand.DEFINITION, Map.of());
        StreamsServiceConfig config = new StreamsServiceConfig(values);
        var mail = new RegistrationConfig(values);
        if (mail.getPassword(MailConfig.TOKEN_SECRET).value().isEmpty()) {
            // The services keep what must outlive a forgotten address under a pseudonym keyed by this secret.
            throw new ParameterException(
                    spec.commandLine(),
                    "forget needs the services' " + MailConfig.TOKEN_SECRET
                            + " (--config FILE or PAPER_ALERTS_MAIL_TOKEN_SECRET)");
        }
        KafkaClients clients = ServiceOptions.clients(config);
        KafkaStartup.awaitCluster(clients);
        List<String> ids = CompactedTopics.latest(clients, Topics.SUBSCRIPTIONS).values().stream()
                .filter(s -> Recipients.same(s.getEmail(), address))
                .map(Subscription::getId)
                .toList();
        try (ManageGenerations generations =
                        ManageGenerations.follow(clients, new AddressHash(MailConfig.tokenSecret(mail)));
                SubscriberErasure erasure = new SubscriberErasure(clients, generations)) {
            erasure.forget(address, ids, Instant.now());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Forgot %s: %d subscription(s) removed and its manage links refused; the streams service and the "
                        + "notifier erase its digests, archive and delivery record as they read the request.%n",
                address, ids.size());
        out.flush();
        return 0;
    }
}
