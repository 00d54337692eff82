package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeyHashesTest {

    @Test
    void shouldLetEveryKeyThroughAndTurnMostOtherWordsAway() {
        // Given the hashes of 20,000 keys, added until the table asks to be rebuilt bigger
        KeyHashes hashes = new KeyHashes(20_000);
        int added = 0;
        while (added < 20_000 && !hashes.add(("key" + added).hashCode())) {
            added++;
        }
        assertThat(added).as("keys added before the table is too full").isGreaterThanOrEqualTo(20_000 - 1);

        // Then every key may be there, and most words that are no key are turned away
        for (int i = 0; i < added; i++) {
            assertThat(hashes.mayContain(("key" + i).hashCode())).as("key%d", i).isTrue();
        }
        int passed = 0;
        for (int i = 0; i < 100_000; i++) {
            if (hashes.mayContain(("word" + i).hashCode())) {
                passed++;
            }
        }
        assertThat(passed).as("words that are no key but pass").isLessThan(100_000 / 8);
    }

    @Test
    void shouldAskToBeRebuiltOnceTooFullToTurnWordsAway() {
        // Given a table sized for 100 keys
        KeyHashes hashes = new KeyHashes(100);
        int added = 0;
        // When keys keep coming
        while (!hashes.add(("key" + added).hashCode())) {
            added++;
        }
        // Then it asks to be rebuilt once it holds a few times what it was sized for, not before
        assertThat(added).isBetween(100, 100 * 16);
    }
}
