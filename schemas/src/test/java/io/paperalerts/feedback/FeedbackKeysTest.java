package io.paperalerts.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keys of feedback: one per (reader, paper), and a reader's end, which erases all of the reader's. */
@Timeout(5)
class FeedbackKeysTest {

    @Test
    void shouldTellAReadersEndFromItsOpinionsAndFromKeysNamingNoReader() {
        // Given a reader's end and one of its opinions
        String end = FeedbackKeys.end("ada@example.org");
        String opinion = FeedbackKeys.key("ada@example.org", "2501.00001");

        // Then only the end is one, and it belongs to the reader
        assertThat(FeedbackKeys.isEnd(end)).isTrue();
        assertThat(FeedbackKeys.recipient(end)).isEqualTo("ada@example.org");
        assertThat(FeedbackKeys.isEnd(opinion)).isFalse();
        // and keys naming no reader are not ends (nobody's opinions would be erased by them)
        assertThat(FeedbackKeys.isEnd("")).isFalse();
        assertThat(FeedbackKeys.isEnd("\u0000")).isFalse();
        assertThat(FeedbackKeys.isEnd("no-separator")).isFalse();
    }
}
