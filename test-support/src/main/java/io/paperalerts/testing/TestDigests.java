package io.paperalerts.testing;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import java.time.Instant;
import java.util.List;

/** Papers, alerts and digests as tests of emails and of their delivery need them. */
public final class TestDigests {

    private TestDigests() {
    }

    public static Alert alert(String recipient, Paper paper) {
        return Alert.newBuilder().setRecipient(recipient).setSubscriptionIds(List.of("s1")).setPaper(paper)
                .setReasons(List.of(MatchReason.newBuilder().setSubscriptionId("s1").setQuery("reward hacking")
                        .setMatchedTerms(List.of("Reward Hacking")).setSnippet("… on Reward Hacking, Explained").build()))
                .setMatchedAt(Instant.parse("2026-11-28T10:00:00Z")).setKind(AlertKind.LIVE).build();
    }

    public static Digest digest(DigestKind kind, int omitted, Alert... alerts) {
        return Digest.newBuilder().setId("d-" + alerts[0].getRecipient() + "-" + alerts[0].getPaper().getId())
                .setRecipient(alerts[0].getRecipient()).setKind(kind)
                .setPeriodStart(Instant.parse("2026-11-27T08:00:00Z")).setPeriodEnd(Instant.parse("2026-11-28T08:00:00Z"))
                .setTimezone("UTC").setAlerts(List.of(alerts)).setOmitted(omitted).build();
    }

    public static Digest instant(Alert... alerts) {
        return digest(DigestKind.INSTANT, 0, alerts);
    }

    public static Alert alert(String recipient, Paper paper, String subscriptionId, String query, String matched) {
        return Alert.newBuilder(alert(recipient, paper)).setSubscriptionIds(List.of(subscriptionId))
                .setReasons(List.of(MatchReason.newBuilder().setSubscriptionId(subscriptionId).setQuery(query)
                        .setMatchedTerms(List.of(matched)).setSnippet(paper.getTitle()).build()))
                .build();
    }

    public static Paper paper(String id, String title) {
        Paper paper = paper(title);
        paper.setId(id);
        return paper;
    }

    public static Paper paper(String title) {
        return Paper.newBuilder().setId("2501.01234").setTitle(title).setAbstractText("An abstract.")
                .setAuthors(List.of("Ada Lovelace")).setCategories(List.of("cs.LG"))
                .setPublished(Instant.parse("2025-01-02T00:00:00Z"))
                .setUrl("https://arxiv.org/abs/2501.01234").setPdfUrl("https://arxiv.org/pdf/2501.01234")
                .setSource("test").build();
    }
}
