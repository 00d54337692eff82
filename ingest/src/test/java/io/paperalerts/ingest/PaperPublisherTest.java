package io.paperalerts.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** How a failed batch is judged: on its own, and with a new producer after a fatal error (a fake producer). */
class PaperPublisherTest {

    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();

    private PaperPublisher publisher() {
        return new PaperPublisher(() -> {
            var producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
            producers.add(producer);
            return producer;
        });
    }

    private static Paper paper(String id) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle("Title " + id)
                .setAbstractText("")
                .setSource("test")
                .build();
    }

    @Test
    void shouldFailOnlyTheBatchWhoseSendFailedAndKeepAProducerAfterARetriableError() {
        PaperPublisher publisher = publisher();
        PaperPublisher.Batch first = publisher.batch();
        first.publish(paper("p1"));
        producers.get(0).errorNext(new TimeoutException("Expiring 1 record(s): broker unreachable"));

        assertThatThrownBy(first::await)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Expiring 1 record(s)");

        // The next batch starts clean, on the same producer
        PaperPublisher.Batch second = publisher.batch();
        second.publish(paper("p2"));
        second.await();
        assertThat(publisher.renewals()).isZero();
        assertThat(producers).hasSize(1);
        assertThat(publisher.published()).isEqualTo(1);
    }

    @Test
    void shouldReplaceTheProducerAfterAFatalError() {
        PaperPublisher publisher = publisher();
        PaperPublisher.Batch first = publisher.batch();
        first.publish(paper("p1"));
        producers.get(0).errorNext(new TopicAuthorizationException("Not authorized to access topics: [papers]"));

        assertThatThrownBy(first::await).hasMessageContaining("Not authorized");

        PaperPublisher.Batch second = publisher.batch();
        second.publish(paper("p2"));
        second.await();
        assertThat(publisher.renewals()).isEqualTo(1);
        assertThat(producers).hasSize(2);
        assertThat(producers.get(0).closed()).isTrue();
        assertThat(producers.get(1).history()).hasSize(1);
    }
}
