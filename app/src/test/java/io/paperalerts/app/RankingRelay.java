package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.RealKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The streams service as backfill tests need it: it forwards a backfill's digests to {@code
 * digests} in their readers' order, and its digest clock stands still, so no digest of live
 * matches (of the same papers, or a trending day's) goes out while a test runs.
 */
final class RankingRelay {

    private RankingRelay() {}

    static AlertStreamsService start(RealKafka kafka, Path stateDir) throws Exception {
        AlertStreamsService streams = new AlertStreamsService(
                        new StreamsServiceConfig(Map.of(
                                CommonConfig.BOOTSTRAP_SERVERS,
                                kafka.bootstrapServers(),
                                StreamsServiceConfig.STATE_DIR,
                                stateDir.toString())),
                        Clock.fixed(Instant.now(), ZoneOffset.UTC))
                .start();
        streams.awaitRunning(Duration.ofSeconds(60));
        return streams;
    }
}
