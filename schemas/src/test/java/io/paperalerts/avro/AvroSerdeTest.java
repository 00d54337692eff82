package io.paperalerts.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<Paper> serde = AvroSerde.of(Paper.class);

    @Test
    void shouldRoundTripAPaperWithItsSchemaFingerprint() {
        Paper paper = Paper.newBuilder()
                .setId("2501.01234")
                .setTitle("Reward hacking in diffusion models")
                .setAbstractText("We study it.")
                .setAuthors(List.of("A. Author", "B. Author"))
                .setCategories(List.of("cs.LG"))
                .setPublished(Instant.parse("2025-01-02T00:00:00Z"))
                .setSource("test")
                .setUpvotes(3)
                .build();

        byte[] bytes = serde.encode(paper);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(SchemaHistory.fingerprint(Paper.getClassSchema()));
        assertThat(serde.decode(bytes)).isEqualTo(paper);
    }

    @Test
    void shouldReadAPaperWrittenWithThePreviousSchemaVersion() throws Exception {
        // Given a paper encoded by a producer that still has schema version 1
        Schema v1 = SchemaHistory.of(Paper.getClassSchema()).versions().get(0);
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "2401.00001");
        old.put("version", 2);
        old.put("title", "An old producer's paper");
        old.put("abstractText", "Written before upvotes existed.");
        old.put("authors", List.of("Ada Lovelace"));
        old.put("categories", List.of("cs.AI"));
        old.put("published", 1_700_000_000_000L);
        old.put("source", "legacy");
        old.put("url", "https://arxiv.org/abs/2401.00001");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(old)
                .array();

        // When the current reader decodes it
        Paper paper = serde.decode(bytes);

        // Then the old fields arrive and the new ones take their defaults
        assertThat(paper.getId()).isEqualTo("2401.00001");
        assertThat(paper.getVersion()).isEqualTo(2);
        assertThat(paper.getTitle()).isEqualTo("An old producer's paper");
        assertThat(paper.getAuthors()).containsExactly("Ada Lovelace");
        assertThat(paper.getPublished()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(paper.getUrl()).isEqualTo("https://arxiv.org/abs/2401.00001");
        assertThat(paper.getUpvotes()).isNull();
        assertThat(paper.getPdfUrl()).isNull();
        assertThat(paper.getUpdated()).isNull();
    }

    @Test
    void shouldRejectGarbageBytesWithAReason() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.decode(garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Paper")
                .hasMessageContaining("15 bytes");
    }

    @Test
    void shouldRejectDataWrittenWithAnUnpublishedSchema() throws Exception {
        Schema stranger = SchemaBuilder.record("Paper")
                .namespace("io.paperalerts.schemas")
                .fields()
                .requiredString("id")
                .endRecord();
        GenericRecord record = new GenericData.Record(stranger);
        record.put("id", "x");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger)
                .encode(record)
                .array();

        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Not a known Paper schema version");
    }

    @Test
    void shouldEncodeAPapersAlertsByteForByteAsThePlainSerdeWhileEncodingThePaperOnce() {
        // Given one paper's alerts for three recipients, then another paper's, then the first paper's again
        Paper first = Paper.newBuilder()
                .setId("2501.01234")
                .setTitle("Reward hacking")
                .setAbstractText("We study it.")
                .setAuthors(List.of("A. Author"))
                .setPublished(Instant.parse("2025-01-02T00:00:00Z"))
                .setSource("test")
                .build();
        Paper second = Paper.newBuilder(first)
                .setId("2501.05678")
                .setTitle("Another")
                .setUpvotes(7)
                .build();
        List<Alert> alerts = List.of(
                alert("a@example.org", first),
                alert("b@example.org", first),
                alert("c@example.org", first),
                alert("a@example.org", second),
                alert("d@example.org", first));
        AvroSerde<Alert> plain = AvroSerde.of(Alert.class);
        AvroSerde<Alert> once = AvroSerde.encodingOnce(Alert.class, Paper.class);

        // When each is encoded by both serdes, in turn
        for (Alert alert : alerts) {
            byte[] bytes = once.encode(alert);

            // Then the bytes are the plain serde's, and read back as the alert
            assertThat(bytes).isEqualTo(plain.encode(alert));
            assertThat(plain.decode(bytes)).isEqualTo(alert);
        }
    }

    private static Alert alert(String recipient, Paper paper) {
        return Alert.newBuilder()
                .setRecipient(recipient)
                .setSubscriptionIds(List.of("s-" + recipient))
                .setPaper(paper)
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId("s-" + recipient)
                        .setQuery("reward")
                        .setMatchedTerms(List.of("Reward"))
                        .build()))
                .setMatchedAt(Instant.parse("2025-01-03T00:00:00Z"))
                .build();
    }
}
