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

    public static final String RIGHT_TO_LEFT_OVERRIDE = "\u202E";
    public static final String RIGHT_TO_LEFT_ISOLATE = "\u2067";
    public static final String HEBREW = "\u05e9\u05dc\u05d5\u05dd";

    private TestDigests() {}

    /** A paper whose every field is hostile: markup, line breaks, bidi overrides, script links. */
    public static Paper hostilePaper() {
        return Paper.newBuilder()
                .setId("2501.06666")
                .setTitle("<img src=x onerror=alert(1)>Reward\r\nBcc: x@evil.test " + RIGHT_TO_LEFT_OVERRIDE
                        + "gnikcah " + HEBREW)
                .setAbstractText("<script>alert(1)</script> reward hacking " + RIGHT_TO_LEFT_ISOLATE + "evil\u0000")
                .setAuthors(List.of("<b>Mallory</b>", "\"Eve\" <eve@evil.test>\r\nX-Evil: 1"))
                .setCategories(List.of("cs.LG<svg onload=alert(1)>"))
                .setPublished(Instant.parse("2026-11-30T00:00:00Z"))
                .setUrl("javascript:alert(document.cookie)")
                .setPdfUrl("data:text/html,<script>alert(1)</script>")
                .setUpvotes(3)
                .setSource("test")
                .build();
    }

    /** An alert of {@link #hostilePaper()} with a hostile query, matched words, snippet and archive token. */
    public static Alert hostileAlert() {
        return Alert.newBuilder()
                .setRecipient("ada@example.org")
                .setSubscriptionIds(List.of("s1"))
                .setPaper(hostilePaper())
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId("s1")
                        .setQuery("reward <i onclick=alert(1)>hacking</i>\r\n" + RIGHT_TO_LEFT_OVERRIDE)
                        .setMatchedTerms(List.of("<script>", "reward hacking"))
                        .setSnippet("\u2026 <iframe src=//evil.test></iframe> reward hacking \u2026")
                        .setArchiveToken("\"><script>alert(1)</script>")
                        .build()))
                .setMatchedAt(Instant.parse("2026-11-30T10:00:00Z"))
                .setKind(AlertKind.LIVE)
                .build();
    }

    public static Alert alert(String recipient, Paper paper) {
        return Alert.newBuilder()
                .setRecipient(recipient)
                .setSubscriptionIds(List.of("s1"))
                .setPaper(paper)
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId("s1")
                        .setQuery("reward hacking")
                        .setMatchedTerms(List.of("Reward Hacking"))
                        .setSnippet("… on Reward Hacking, Explained")
                        .build()))
                .setMatchedAt(Instant.parse("2026-11-28T10:00:00Z"))
                .setKind(AlertKind.LIVE)
                .build();
    }

    public static Digest digest(DigestKind kind, int omitted, Alert... alerts) {
        return Digest.newBuilder()
                .setId("d-" + alerts[0].getRecipient() + "-"
                        + alerts[0].getPaper().getId())
                .setRecipient(alerts[0].getRecipient())
                .setKind(kind)
                .setPeriodStart(Instant.parse("2026-11-27T08:00:00Z"))
                .setPeriodEnd(Instant.parse("2026-11-28T08:00:00Z"))
                .setTimezone("UTC")
                .setAlerts(List.of(alerts))
                .setOmitted(omitted)
                .build();
    }

    public static Digest instant(Alert... alerts) {
        return digest(DigestKind.INSTANT, 0, alerts);
    }

    public static Alert alert(String recipient, Paper paper, String subscriptionId, String query, String matched) {
        return Alert.newBuilder(alert(recipient, paper))
                .setSubscriptionIds(List.of(subscriptionId))
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId(subscriptionId)
                        .setQuery(query)
                        .setMatchedTerms(List.of(matched))
                        .setSnippet(paper.getTitle())
                        .build()))
                .build();
    }

    public static Paper paper(String id, String title) {
        Paper paper = paper(title);
        paper.setId(id);
        return paper;
    }

    public static Paper paper(String title) {
        return Paper.newBuilder()
                .setId("2501.01234")
                .setTitle(title)
                .setAbstractText("An abstract.")
                .setAuthors(List.of("Ada Lovelace"))
                .setCategories(List.of("cs.LG"))
                .setPublished(Instant.parse("2025-01-02T00:00:00Z"))
                .setUrl("https://arxiv.org/abs/2501.01234")
                .setPdfUrl("https://arxiv.org/pdf/2501.01234")
                .setSource("test")
                .build();
    }
}
