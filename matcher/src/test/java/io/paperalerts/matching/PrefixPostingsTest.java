package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrefixPostingsTest {

    @Test
    void shouldKeepEverySlotWhenAnExistingPrefixIsFiledAgainAtTheGrowthThreshold() {
        // Given a table filled with new prefixes up to the point where one more key would grow it
        PrefixPostings postings = new PrefixPostings();
        Map<String, Integer> slots = new HashMap<>();
        for (int i = 0; 2 * (slots.size() + 1) <= postings.capacity(); i++) {
            String prefix = "pre" + i;
            assertThat(postings.add(prefix, null)).isTrue();
            slots.put(prefix, postings.find(prefix, prefix.length(), prefix.hashCode()));
        }
        int capacity = postings.capacity();

        // When a prefix already there is filed again
        assertThat(postings.add("pre0", null)).isFalse();

        // Then the table did not grow, and no key moved (plans kept between papers hold slots)
        assertThat(postings.capacity()).isEqualTo(capacity);
        slots.forEach((prefix, slot) -> assertThat(postings.find(prefix, prefix.length(), prefix.hashCode()))
                .as(prefix)
                .isEqualTo(slot));

        // And a new key grows it, and is reported as new, so that plans are dropped
        assertThat(postings.add("fresh", null)).isTrue();
        assertThat(postings.capacity()).isGreaterThan(capacity);
    }
}
