package io.paperalerts.streams.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.matching.Explanation;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.matching.SubscriptionMatcher.Match;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PaperClaimsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final List<String> QUERIES =
            List.of("reward", "diffusion", "\"language model\"", "title:agent*", "reasoning", "video OR robot*");

    private static List<Paper> realPapers() throws IOException {
        try (InputStream in = PaperClaimsTest.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            return JsonlPaperReader.readAll(in, "sample").stream()
                    .map(e -> ((PaperEntry.Parsed) e).paper())
                    .toList();
        }
    }

    private static SubscriptionMatcher subscribed() {
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        for (int i = 0; i < QUERIES.size(); i++) {
            matcher.update(
                    "s" + i,
                    Subscription.newBuilder()
                            .setId("s" + i)
                            .setEmail("reader@example.org")
                            .setQuery(QUERIES.get(i))
                            .setDelivery(DeliveryMode.INSTANT)
                            .setStatus(SubscriptionStatus.ACTIVE)
                            .setCreated(NOW)
                            .build());
        }
        return matcher;
    }

    /** The alert the matcher makes of a paper, as the streams service writes it: by reference, snippets cut. */
    private static Alert byReference(Paper paper, List<Match> matches) {
        Alert alert = MatchAlerts.alert(
                "reader@example.org", PaperClaims.reference(paper), matches, NOW, AlertKind.LIVE, NOW);
        alert.setPaperByReference(true);
        Map<String, Explanation> why = new HashMap<>();
        matches.forEach(m -> why.put(m.subscription().getId(), m.explanation()));
        return PaperClaims.withCuts(alert, paper, why);
    }

    @Test
    void shouldGiveEveryRedeemedAlertOfARealPaperTheSnippetsItWouldHaveCarried() throws IOException {
        SubscriptionMatcher matcher = subscribed();
        Map<String, Paper> table = new HashMap<>();
        int snippets = 0;
        long carriedBytes = 0;
        long cutBytes = 0;
        for (Paper paper : realPapers()) {
            List<Match> matches = matcher.match(paper);
            if (matches.isEmpty()) {
                continue;
            }
            // Given the alert of a real paper with its snippets' text, and the same by reference
            Alert whole = MatchAlerts.alert("reader@example.org", paper, matches, NOW, AlertKind.LIVE, NOW);
            Alert lean = byReference(paper, matches);
            table.put(paper.getId(), paper);

            // Then the alert by reference holds no snippet's text, only where it is cut
            assertThat(lean.getReasons())
                    .allSatisfy(reason -> assertThat(reason.getSnippet()).isEmpty());
            for (MatchReason reason : whole.getReasons()) {
                if (!reason.getSnippet().isEmpty()) {
                    snippets++;
                    carriedBytes += reason.getSnippet().getBytes(StandardCharsets.UTF_8).length;
                }
            }
            cutBytes += Topics.ALERTS.valueSerde().serializer().serialize("alerts", lean).length;

            // And redeemed it has the reasons the whole alert has, snippets and all
            Alert redeemed = PaperClaims.redeemed(lean, table::get);
            assertThat(redeemed.getReasons()).isEqualTo(whole.getReasons());
            assertThat(redeemed.getPaper()).isEqualTo(paper);
        }
        assertThat(snippets).isGreaterThan(40);
        // The point of it: the text was more than the whole of the alerts that now cut it
        assertThat(carriedBytes).isGreaterThan(cutBytes);
    }

    @Test
    void shouldGiveNoSnippetWhenThePapersAbstractChangedSinceTheAlertCutIt() {
        // Given an alert by reference, its snippet cut from the first version's abstract
        Paper first = Paper.newBuilder()
                .setId("p1")
                .setVersion(1)
                .setTitle("A study of agents")
                .setAbstractText("We train agents for a long time. Their reward is sparse and delayed, and we ask why.")
                .setSource("test")
                .build();
        SubscriptionMatcher matcher = subscribed();
        Alert lean = byReference(first, matcher.match(first));
        MatchReason cut = lean.getReasons().stream()
                .filter(r -> r.getSubscriptionId().equals("s0"))
                .findFirst()
                .orElseThrow();
        assertThat(cut.getSnippetCut().getInTitle()).isFalse();

        // When the table holds a second version with the same abstract
        Paper sameText = Paper.newBuilder(first).setVersion(2).build();
        // Then the snippet is cut from it as before
        assertThat(snippetOf(PaperClaims.redeemed(lean, id -> sameText), "s0")).contains("reward is sparse");

        // When the table holds a version whose abstract changed
        Paper rewritten = Paper.newBuilder(first)
                .setVersion(3)
                .setAbstractText("Agents, again. We find that their reward is dense after all.")
                .build();
        // Then there is no snippet, rather than a range of another text: the email shows the new abstract
        Alert redeemed = PaperClaims.redeemed(lean, id -> rewritten);
        assertThat(snippetOf(redeemed, "s0")).isEmpty();
        assertThat(redeemed.getReasons())
                .allSatisfy(r -> assertThat(r.getSnippetCut()).isNull());
    }

    private static String snippetOf(Alert alert, String subscriptionId) {
        return alert.getReasons().stream()
                .filter(r -> r.getSubscriptionId().equals(subscriptionId))
                .findFirst()
                .orElseThrow()
                .getSnippet();
    }
}
