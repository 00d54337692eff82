package io.paperalerts.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.OperationsServer;
import io.paperalerts.operations.ServiceMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the notifier against an existing cluster and SMTP server until stopped. */
@Command(
        name = "notifier",
        mixinStandardHelpOptions = true,
        description = "Run the service that emails alerts over SMTP, until stopped.")
final class NotifierCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions service;

    @Spec
    CommandSpec spec;

    @Option(names = "--smtp-host", paramLabel = "HOST", description = "SMTP server host")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "PORT", description = "SMTP server port")
    Integer smtpPort;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new HashMap<>();
        if (smtpHost != null) {
            overrides.put(MailConfig.SMTP_HOST, smtpHost);
        }
        if (smtpPort != null) {
            overrides.put(MailConfig.SMTP_PORT, smtpPort);
        }
        var config = new NotifierConfig(service.resolve(NotifierConfig.DEFINITION, overrides));
        MailConfig.requireTokenSecret(config);
        AlertNotifier notifier = new AlertNotifier(config, new AlertNotifier.Listener() {});
        PrometheusMeterRegistry metrics = ServiceMetrics.create("notifier");
        notifier.bindTo(metrics);
        BrokerCheck broker = new BrokerCheck(KafkaClients.of(config));
        OperationsServer operations = OperationsServer.start(
                config.getString(CommonConfig.METRICS_BIND_ADDRESS),
                config.getInt(NotifierConfig.METRICS_PORT),
                metrics,
                notifier.health(broker));
        Runtime.getRuntime().addShutdownHook(new Thread(notifier::close, "notifier-shutdown"));
        notifier.start();
        spec.commandLine()
                .getOut()
                .printf(
                        "notifier ready: emailing digests from %s through SMTP %s:%d%s%n",
                        String.join(",", config.getList(CommonConfig.BOOTSTRAP_SERVERS)),
                        config.getString(MailConfig.SMTP_HOST),
                        config.getInt(MailConfig.SMTP_PORT),
                        operations == null ? "" : "; metrics and health on " + operations.url());
        spec.commandLine().getOut().flush();
        while (notifier.isRunning()) {
            Thread.sleep(500);
        }
        if (operations != null) {
            operations.close();
        }
        broker.close();
        return notifier.crash() == null ? 0 : 1;
    }
}
