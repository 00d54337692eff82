package io.paperalerts.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.OperationsServer;
import io.paperalerts.operations.ServiceMetrics;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.registration.RegistrationServer;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Runs the streams service against an existing cluster until stopped: the matching and digest
 * topology, and registration (web pages and REST API), which reads subscriptions from it.
 */
@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        description =
                "Run the streams service until stopped: matching, digests, and the registration web pages and API.")
final class StreamsCommand implements Callable<Integer> {

    /** Every key the streams service reads: its own and registration's, each declared once. */
    static final ConfigDef DEFINITION = merge(StreamsServiceConfig.DEFINITION, RegistrationConfig.DEFINITION);

    @Mixin
    ServiceOptions service;

    @Spec
    CommandSpec spec;

    static ConfigDef merge(ConfigDef first, ConfigDef second) {
        ConfigDef merged = new ConfigDef(first);
        second.configKeys().values().stream()
                .filter(key -> !merged.names().contains(key.name))
                .forEach(merged::define);
        return merged;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> values = service.resolve(DEFINITION, Map.of());
        var config = new StreamsServiceConfig(values);
        var registrationConfig = new RegistrationConfig(values);
        MailConfig.requireTokenSecret(registrationConfig);
        AlertStreamsService streams = new AlertStreamsService(config).start();
        PrometheusMeterRegistry metrics = ServiceMetrics.create("streams");
        streams.bindTo(metrics);
        BrokerCheck broker = new BrokerCheck(KafkaClients.of(config));
        // The web pages' workers count once they run; until then they are why it is not ready.
        AtomicReference<Health> web = new AtomicReference<>(
                Health.of(Health.Status::up, () -> Health.Status.down("the web pages are starting")));
        // Up while the subscriptions load: live, and not ready until they have.
        OperationsServer operations = OperationsServer.start(
                config.getString(CommonConfig.METRICS_BIND_ADDRESS),
                config.getInt(StreamsServiceConfig.METRICS_PORT),
                metrics,
                Health.all(
                        streams.health(broker),
                        Health.of(() -> web.get().live(), () -> web.get().ready())));
        streams.awaitRunning(Duration.ofMinutes(5));
        RegistrationServer registration = new RegistrationServer(
                        registrationConfig,
                        streams,
                        streams,
                        BackfillRequests.of(config.getInt(StreamsServiceConfig.MAX_PAPERS), Clock.systemUTC()),
                        Clock.systemUTC())
                .start();
        web.set(registration.health());
        spec.commandLine()
                .getOut()
                .printf(
                        "streams ready: %d active subscriptions from %s; web pages and API on "
                                + "http://localhost:%d/%s%n",
                        streams.activeSubscriptions(),
                        String.join(",", config.getList(CommonConfig.BOOTSTRAP_SERVERS)),
                        registration.port(),
                        operations == null ? "" : "; metrics and health on " + operations.url());
        spec.commandLine().getOut().flush();
        // Kafka Streams dying (see StreamsFailurePolicy) or a worker of the web pages giving up is an
        // exit: a process that can no longer do its job must be restarted by its supervisor.
        return UntilStopped.await(
                "streams", CompletableFuture.anyOf(streams.terminated(), registration.gaveUp()), () -> {
                    registration.close();
                    if (operations != null) {
                        operations.close();
                    }
                    streams.close();
                    broker.close();
                });
    }
}
