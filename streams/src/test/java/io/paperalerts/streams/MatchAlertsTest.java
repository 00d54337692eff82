package io.paperalerts.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.MatchReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MatchAlertsTest {

    @Test
    void shouldCopyEveryFieldAndLeaveTheOriginalAsItWasWhenTheCopyChanges() {
        // Given an alert with every field set, the optional ones too
        Alert original = TestData.alert(
                "ada@example.org", "s1", TestData.paper("p1", "Reward hacking", "Abstract."), Instant.EPOCH);
        original.setKind(AlertKind.BACKFILL);
        original.setPaperByReference(true);
        original.setPaperTimestamp(Instant.ofEpochMilli(42));

        // When it is copied and the copy given other reasons
        Alert copy = MatchAlerts.copyOf(original);
        assertThat(copy).isEqualTo(original).isNotSameAs(original);
        copy.setReasons(List.of(MatchReason.newBuilder()
                .setSubscriptionId("s2")
                .setQuery("other")
                .build()));
        copy.setSubscriptionIds(List.of("s2"));

        // Then the original keeps its own
        assertThat(original.getSubscriptionIds()).containsExactly("s1");
        assertThat(original.getReasons())
                .extracting(MatchReason::getSubscriptionId)
                .containsExactly("s1");
        assertThat(copy.getPaper()).isSameAs(original.getPaper());
    }
}
