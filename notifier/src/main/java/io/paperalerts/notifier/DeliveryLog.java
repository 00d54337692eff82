package io.paperalerts.notifier;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What was delivered to whom, and who was forgotten: the {@link DeliveryStore}, or a fake in tests. */
interface DeliveryLog {

    boolean contains(String recipient, String paperId);

    void record(String recipient, List<String> paperIds, String messageId);

    /** Erases what was delivered to the recipient, and notes when it was forgotten. @return pairs erased */
    int forget(String recipient, Instant at);

    Optional<Instant> forgottenAt(String recipient);
}
