package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.mail.ShownPapers;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path's tunings on a real broker, exactly-once, read {@code read_committed}: every
 * RocksDB store of the service under one shared budget ({@code streams.rocksdb.memory.mb}), the
 * stores behind the record cache, and alerts still becoming whole digests.
 */
@Timeout(120)
class BoundedStateMemoryIntegrationTest {

    private static final long BUDGET_MB = 16;

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path stateDir;

    @Test
    void shouldRunEveryStoreOnOneSharedRocksDbBudgetAndStillSendItsPapers() throws Exception {
        // Given the service with a 16 MB budget for RocksDB, a large record cache and instant emails at once
        var config = new StreamsServiceConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                StreamsServiceConfig.STATE_DIR, stateDir.toString(),
                StreamsServiceConfig.ROCKSDB_MEMORY_MB, String.valueOf(BUDGET_MB),
                StreamsServiceConfig.CACHE_MAX_BYTES, String.valueOf(64L << 20),
                StreamsServiceConfig.INSTANT_WINDOW_MS, "0"));
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", active("s1", "ada@example.org", "reward"));
        try (var service = new AlertStreamsService(config).start()) {
            service.awaitRunning(Duration.ofSeconds(60));

            // When a matching paper arrives
            Paper paper = paper("p1", "Reward hacking under a memory budget", "Bounded.");
            kafka.produce(Topics.PAPERS, "p1", paper);

            // Then its digest carries the paper (as far as the email shows it)
            Digest digest = kafka.read(Topics.DIGESTS, 1, Duration.ofSeconds(60)).stream()
                    .map(ConsumerRecord::value)
                    .findFirst()
                    .orElseThrow();
            assertThat(digest.getAlerts()).extracting(Alert::getPaper).containsExactly(ShownPapers.of(paper));

            // And every store, global ones too, reports the one shared block cache, not RocksDB's 50 MB each
            var registry = new SimpleMeterRegistry();
            service.bindTo(registry);
            Map<String, Double> capacities = registry.find("kafka.stream.state.block.cache.capacity").gauges().stream()
                    .collect(Collectors.toMap(
                            gauge -> gauge.getId().getTag("task.id") + "/"
                                    + gauge.getId().getTag("rocksdb.state.id"),
                            Gauge::value,
                            Math::max));
            assertThat(capacities.keySet())
                    .anySatisfy(store -> assertThat(store).endsWith("/" + ArchiveWriter.STORE))
                    .anySatisfy(store -> assertThat(store).endsWith("/" + DigestScheduler.BUFFERED_ALERTS_STORE))
                    .anySatisfy(store -> assertThat(store).endsWith("/" + PaperClaims.STORE));
            assertThat(capacities.values())
                    .allSatisfy(bytes -> assertThat(bytes).isEqualTo(BUDGET_MB << 20));
        }
    }
}
