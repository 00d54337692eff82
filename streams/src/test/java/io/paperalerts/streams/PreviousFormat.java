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

/** Alerts as earlier versions wrote them: schema v5 (the whole paper inside) or v6 (snippets' text inside). */
final class PreviousFormat {

    private PreviousFormat() {}

    /** As the version before the claim check wrote it: schema v5, the whole paper inside. */
    static byte[] alert(Alert alert) {
        Schema v5 = SchemaHistory.of(Alert.getClassSchema()).versions().get(4);
        assertThat(v5.getField("paperByReference")).isNull();
        return encoded(alert, v5);
    }

    /** As the version before snippets were cut from the stored paper wrote it: schema v6. */
    static byte[] alertV6(Alert alert) {
        Schema v6 = SchemaHistory.of(Alert.getClassSchema()).versions().get(5);
        assertThat(v6.getField("reasons").schema().getElementType().getField("snippetCut"))
                .isNull();
        return encoded(alert, v6);
    }

    /**
     * Avro single-object encoding with an earlier schema. Its fields are the first of the current
     * schema's, in the same order, so the writer reads them from the record by position.
     */
    private static byte[] encoded(Alert alert, Schema writer) {
        try {
            ByteBuffer encoded =
                    new BinaryMessageEncoder<Alert>(SpecificData.getForClass(Alert.class), writer).encode(alert);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            // The header names the writer schema: its fingerprint, little-endian after two marker bytes.
            assertThat(ByteBuffer.wrap(bytes, 2, 8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getLong())
                    .isEqualTo(SchemaHistory.fingerprint(writer));
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
