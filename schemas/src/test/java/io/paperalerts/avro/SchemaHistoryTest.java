package io.paperalerts.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.TrendingDay;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaHistoryTest {

    static Stream<Schema> currentSchemas() {
        return Stream.of(
                Paper.getClassSchema(),
                Subscription.getClassSchema(),
                Alert.getClassSchema(),
                Digest.getClassSchema(),
                Feedback.getClassSchema(),
                ReaderModelState.getClassSchema(),
                TrendingDay.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldPublishTheCurrentSchemaAsTheLatestVersion(Schema current) {
        // Given the published versions of the schema
        SchemaHistory history = SchemaHistory.of(current);

        // Then the newest one is exactly what the classes were generated from: changing a .avsc
        // without adding a version file fails here
        assertThat(SchemaHistory.fingerprint(history.latest()))
                .as("%s: add the changed schema as a new version file under schema-history", current.getName())
                .isEqualTo(SchemaHistory.fingerprint(current));
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldReadDataWrittenWithEveryPublishedVersion(Schema current) {
        for (Schema writer : SchemaHistory.of(current).versions()) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
            assertThat(result.getType())
                    .as("%s cannot read data written with %s: %s", current.getName(), writer, result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldLetEveryPublishedVersionReadTheCurrentData(Schema current) {
        // Forward compatibility: consumers not yet upgraded keep working during a rolling deploy.
        for (Schema reader : SchemaHistory.of(current).versions()) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, current);
            assertThat(result.getType())
                    .as(
                            "%s version %s cannot read current data: %s",
                            current.getName(), reader, result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
