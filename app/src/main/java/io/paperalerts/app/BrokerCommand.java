package io.paperalerts.app;

import io.paperalerts.local.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A local single-node Kafka (KRaft) for trying the services one by one without Docker. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run a local single-node Kafka broker (KRaft) until stopped, for trying the services by hand.")
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Data folder, kept between runs (default: ${DEFAULT-VALUE})")
    Path data = Path.of("kafka-data");

    @Option(names = "--port", paramLabel = "PORT", description = "Client port (default: ${DEFAULT-VALUE})")
    int port = 9092;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "broker-shutdown"));
        spec.commandLine()
                .getOut()
                .printf(
                        "Kafka is listening on %s (data in %s); Ctrl-C stops it.%n",
                        broker.bootstrapServers(), data.toAbsolutePath().normalize());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
