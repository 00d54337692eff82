package io.paperalerts.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.avro.SchemaHistory;
import io.paperalerts.schemas.Alert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;

/** Alerts as the version before the claim check wrote them: schema v5, the whole paper inside. */
final class PreviousFormat {

    private PreviousFormat() {}

    /**
     * Avro single-object encoding with schema v5. Its fields are the first of the current schema,
     * in the same order, so the writer reads them from the record by position.
     */
    static byte[] alert(Alert alert) {
        Schema v5 = SchemaHistory.of(Alert.getClassSchema()).versions().get(4);
        assertThat(v5.getField("paperByReference")).isNull();
        try {
            ByteBuffer encoded =
                    new BinaryMessageEncoder<Alert>(SpecificData.getForClass(Alert.class), v5).encode(alert);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            // The header names the writer schema: the v5 fingerprint, little-endian after two marker bytes.
            assertThat(ByteBuffer.wrap(bytes, 2, 8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getLong())
                    .isEqualTo(SchemaHistory.fingerprint(v5));
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
