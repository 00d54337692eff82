package io.paperalerts.registration;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.matching.AnalyzedPaper;
import io.paperalerts.matching.Explanation;
import io.paperalerts.matching.Node;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.matching.TrendingRanking;
import io.paperalerts.operations.SupervisedWorker;
import io.paperalerts.schemas.Paper;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The most recent papers on {@code papers}, analysed once and kept in memory, so a preview of a
 * query answers at once: reads the tail of every partition at start, then follows the topic.
 */
final class RecentPapers implements AutoCloseable {

    /** A paper a previewed query matched, and the words that matched. */
    record Hit(Paper paper, Explanation explanation) {}

    private record Seen(Paper paper, AnalyzedPaper analyzed) {}

    private final int capacity;
    private final SubscriptionMatcher analyzer;
    private final KafkaClients clients;
    private final SupervisedWorker follower;
    private final Map<String, Seen> papers;
    private long version;

    RecentPapers(KafkaClients clients, int capacity, SubscriptionMatcher analyzer) {
        this.capacity = capacity;
        this.analyzer = analyzer;
        this.papers = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > RecentPapers.this.capacity;
            }
        };
        this.clients = clients;
        this.follower = SupervisedWorker.of("recent-papers", this::follow);
    }

    RecentPapers start() {
        follower.start();
        return this;
    }

    /** Its follower: ready while it follows the topic; gives up (the service must exit) when it keeps dying. */
    SupervisedWorker follower() {
        return follower;
    }

    /** Reads the tail of every partition, then follows; after a restart it reads the tail again. */
    private void follow(SupervisedWorker.Stopping stopping) {
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer(
                Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Topics.PAPERS.assignAll(consumer);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            long perPartition = ((long) capacity + partitions.size() - 1) / Math.max(1, partitions.size());
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(begins.get(partition), ends.get(partition) - perPartition));
            }
            while (!stopping.requested()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    add(record);
                }
            }
        }
    }

    private void add(ConsumerRecord<String, byte[]> record) {
        Paper paper;
        try {
            paper = Topics.PAPERS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            return;
        }
        if (paper == null) {
            return;
        }
        Seen seen = new Seen(paper, analyzer.analyze(paper));
        synchronized (papers) {
            papers.remove(paper.getId());
            papers.put(paper.getId(), seen);
            version++;
        }
    }

    /** Changes with every paper seen: what is computed from the papers holds while it stays the same. */
    long version() {
        synchronized (papers) {
            return version;
        }
    }

    int size() {
        synchronized (papers) {
            return papers.size();
        }
    }

    /** The most recently seen papers, newest first. */
    List<Paper> newest(int limit) {
        List<Seen> snapshot = snapshot();
        List<Paper> newest = new ArrayList<>();
        for (int i = snapshot.size() - 1; i >= 0 && newest.size() < limit; i--) {
            newest.add(snapshot.get(i).paper());
        }
        return newest;
    }

    /** The most upvoted papers of the latest day a daily list carried, by their latest counts. */
    List<Paper> trending(int limit) {
        List<Paper> ranked = snapshot().stream()
                .map(Seen::paper)
                .filter(TrendingRanking::ranks)
                .toList();
        LocalDate latest = ranked.stream()
                .map(Paper::getListedOn)
                .max(LocalDate::compareTo)
                .orElse(null);
        return ranked.stream()
                .filter(p -> p.getListedOn().equals(latest))
                .sorted(TrendingRanking.ORDER)
                .limit(limit)
                .toList();
    }

    /** How many of the recent papers a query matches: how common its words are. */
    int count(Node query) {
        int n = 0;
        for (Seen seen : snapshot()) {
            if (query.matches(seen.analyzed())) {
                n++;
            }
        }
        return n;
    }

    private List<Seen> snapshot() {
        synchronized (papers) {
            return new ArrayList<>(papers.values());
        }
    }

    /** The most recently seen papers the query matches, newest first. */
    List<Hit> matching(Node query, int limit) {
        List<Seen> snapshot = snapshot();
        List<Hit> hits = new ArrayList<>();
        for (int i = snapshot.size() - 1; i >= 0 && hits.size() < limit; i--) {
            Seen seen = snapshot.get(i);
            if (query.matches(seen.analyzed())) {
                hits.add(new Hit(seen.paper(), Explanation.of(query, seen.analyzed())));
            }
        }
        return hits;
    }

    @Override
    public void close() {
        follower.close();
    }
}
