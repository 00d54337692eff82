package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.Markers;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The 67 real papers of the sample page, published and alerted through a real broker. */
public final class SampleAlerts {

    /** Queries that match the sample papers in many ways: words, phrases, fields, wildcards, NOT. */
    public static final List<String> QUERIES = List.of(
            "reward",
            "diffusion OR \"text-to-image\"",
            "\"language model\"",
            "title:GRPO",
            "agent*",
            "\"reinforcement learning\"",
            "video AND generation",
            "benchmark",
            "robot*",
            "reasoning AND NOT math*");

    private SampleAlerts() {}

    public static List<Paper> papers() throws Exception {
        try (InputStream sample = SampleAlerts.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            return JsonlPaperReader.readAll(sample, "sample").stream()
                    .map(e -> ((PaperEntry.Parsed) e).paper())
                    .toList();
        }
    }

    /** Publishes them as ingest does. */
    static void publish(RealKafka kafka) throws Exception {
        try (var publisher = new PaperPublisher(
                        new IngestConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())));
                InputStream sample = SampleAlerts.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            assertThat(new FileIngestor(publisher).ingest(sample, "sample").published())
                    .isEqualTo(67);
        }
    }

    /**
     * Every alert so far but the markers', once a marker paper sent to each partition of papers
     * (matched after everything before it there) has made all its alerts: any duplicate would be
     * in. The markers are matched by subscriptions to "xqzmarker".
     *
     * @param round makes this call's marker papers new
     * @param alertsPerMarker how many alerts each marker paper makes
     * @param marker whether a recipient is one of the markers'
     */
    static List<ConsumerRecord<String, Alert>> afterMarkers(
            RealKafka kafka, int round, int alertsPerMarker, Predicate<String> marker) {
        Set<String> markers = new HashSet<>();
        for (int p = 0; p < Topics.PAPERS.partitions(); p++) {
            String id = Markers.onPartition(Topics.PAPERS, p, "marker-" + round + "-");
            markers.add(id);
            kafka.produce(Topics.PAPERS, id, paper(id, "Xqzmarker", ""));
        }
        await().atMost(Duration.ofSeconds(90))
                .until(() -> kafka.readToEnd(Topics.ALERTS).stream()
                                .filter(a ->
                                        markers.contains(a.value().getPaper().getId()))
                                .count()
                        == (long) markers.size() * alertsPerMarker);
        return kafka.readToEnd(Topics.ALERTS).stream()
                .filter(a -> !marker.test(a.key()))
                .toList();
    }
}
