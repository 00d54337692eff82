package io.paperalerts.streams.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.TermCounts;
import io.paperalerts.schemas.Paper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Papers analysed once per task: their terms kept in memory and in the task's store. */
@Timeout(10)
class AnalysedPapersTest {

    private static final Paper PAPER = Paper.newBuilder()
            .setId("2501.00001")
            .setVersion(2)
            .setTitle("Tactile agents grasp fragile objects")
            .setAbstractText("Robot hands with tactile sensors grasp fragile objects; grasping from touch.")
            .setSource("test")
            .build();

    /** A store that counts what is written to it. */
    private static final class CountingStore implements AnalysedPapers.Kept {
        final Map<String, byte[]> values = new HashMap<>();
        int puts;

        @Override
        public byte[] get(String key) {
            return values.get(key);
        }

        @Override
        public void put(String key, byte[] value) {
            puts++;
            values.put(key, value);
        }
    }

    private static void assertSame(TermCounts actual, TermCounts expected) {
        assertThat(actual.termIds()).containsExactly(expected.termIds());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.count(i)).isEqualTo(expected.count(i));
        }
    }

    @Test
    void shouldReadThePapersTermsBackFromTheStoreAfterARestartWithoutAnalysingAgain() {
        // Given a paper analysed in a task, before a restart
        CountingStore store = new CountingStore();
        TermCounts analysed = new AnalysedPapers(10, store, () -> 0L).counts(PAPER);
        assertThat(store.puts).isEqualTo(1);

        // When it is asked for after the restart (nothing in memory)
        TermCounts read = new AnalysedPapers(10, store, () -> 0L).counts(PAPER);

        // Then the same terms and counts come back, from the store: nothing written again
        assertSame(read, analysed);
        assertSame(read, new PaperTexts().counts(PAPER));
        assertThat(store.puts).isEqualTo(1);
        assertThat(store.values).containsOnlyKeys("2501.00001 v2");
    }

    @Test
    void shouldRefuseKeptTermsThatDoNotAscend() {
        // Given terms kept out of order (a store written by something else)
        byte[] kept = AnalysedPapers.encode(TermCounts.of(new int[] {1, 5}, new int[] {2, 1}), 0);
        java.nio.ByteBuffer.wrap(kept).putInt(8, 9);

        // Then reading them back says so
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AnalysedPapers.decode(kept))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascend");
    }
}
