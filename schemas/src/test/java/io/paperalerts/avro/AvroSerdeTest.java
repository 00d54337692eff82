package io.paperalerts.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.schemas.Paper;
import java.nio.ByteBuffer;
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
        Paper paper = Paper.newBuilder().setId("2501.01234").setTitle("Reward hacking in diffusion models")
                .setAbstractText("We study it.").setAuthors(List.of("A. Author", "B. Author"))
                .setCategories(List.of("cs.LG")).setPublished(Instant.parse("2025-01-02T00:00:00Z"))
                .setSource("test").setUpvotes(3).build();

        byte[] bytes = serde.encode(paper);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
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
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

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
        Schema stranger = SchemaBuilder.record("Paper").namespace("io.paperalerts.schemas").fields()
                .requiredString("id").endRecord();
        GenericRecord record = new GenericData.Record(stranger);
        record.put("id", "x");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger).encode(record).array();

        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Not a known Paper schema version");
    }
}
