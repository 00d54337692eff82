package io.paperalerts.app;

import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the matching topology against an existing cluster until stopped. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "Run the Kafka Streams service that matches papers against subscriptions, until stopped.")
final class StreamsCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions service;

    @Override
    public Integer call() throws Exception {
        var config = new StreamsServiceConfig(service.resolve(StreamsServiceConfig.DEFINITION, Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        AlertStreamsService streams = new AlertStreamsService(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }, "streams-shutdown"));
        streams.start();
        stopped.await();
        return 0;
    }
}
