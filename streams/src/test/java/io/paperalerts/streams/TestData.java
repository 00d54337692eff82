package io.paperalerts.streams;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.time.Instant;
import java.util.List;

final class TestData {

    private TestData() {
    }

    static Subscription subscription(String id, String email, String query, SubscriptionStatus status) {
        return Subscription.newBuilder().setId(id).setEmail(email).setQuery(query)
                .setDelivery(DeliveryMode.INSTANT).setStatus(status)
                .setCreated(Instant.parse("2026-01-01T00:00:00Z")).build();
    }

    static Subscription active(String id, String email, String query) {
        return subscription(id, email, query, SubscriptionStatus.ACTIVE);
    }

    static Paper paper(String id, String title, String abstractText) {
        return Paper.newBuilder().setId(id).setTitle(title).setAbstractText(abstractText)
                .setAuthors(List.of("A. Researcher")).setCategories(List.of("cs.LG"))
                .setSource("test").build();
    }
}
