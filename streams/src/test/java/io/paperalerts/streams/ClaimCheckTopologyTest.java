package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.paperalerts.mail.ShownPapers;
import io.paperalerts.matching.Explanation;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.streams.sharding.SubscriptionShards;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Alerts name their paper, which is stored once; digests go out with the papers as their emails show them. */
@Timeout(60)
class ClaimCheckTopologyTest {

    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<String, Paper> papersAlerted;
    private TestOutputTopic<String, Digest> digests;

    @BeforeEach
    void start() {
        topology = new TopologyFixture(stateDir, START);
        subscriptions = topology.input(Topics.SUBSCRIPTIONS);
        papers = topology.input(Topics.PAPERS);
        alerts = topology.output(Topics.ALERTS);
        papersAlerted = topology.output(Topics.PAPERS_ALERTED);
        digests = topology.output(Topics.DIGESTS);
    }

    @AfterEach
    void close() {
        topology.close();
    }

    private static Subscription subscription(String id, String email, DeliveryMode mode) {
        Subscription s = active(id, email, "reward");
        s.setDelivery(mode);
        return s;
    }

    private static Paper wholePaper(String id, String title) {
        Paper paper = paper(id, title, "We study " + title.toLowerCase(Locale.ROOT) + " at length.");
        paper.setAuthors(List.of("Ada Lovelace", "Alan Turing"));
        paper.setPublished(START.minus(Duration.ofDays(1)));
        return paper;
    }

    @Test
    void shouldStoreAPaperOnceAndSendEachRecipientADigestWithThePaper() {
        // Given three recipients whose subscriptions match the same paper
        for (String who : List.of("ada", "grace", "alan")) {
            subscriptions.pipeInput(who, subscription(who, who + "@example.org", DeliveryMode.INSTANT));
        }
        Paper paper = wholePaper("p1", "Reward hacking in the wild");

        // When the paper arrives
        papers.pipeInput("p1", paper);

        // Then each alert names the paper and carries no copy of it
        List<Alert> written = alerts.readValuesToList();
        assertThat(written).hasSize(3).allSatisfy(alert -> {
            assertThat(alert.getPaperByReference()).isTrue();
            assertThat(alert.getPaper().getId()).isEqualTo("p1");
            assertThat(alert.getPaper().getPublished()).isEqualTo(paper.getPublished());
            assertThat(alert.getPaper().getTitle()).isEmpty();
            assertThat(alert.getPaper().getAbstractText()).isEmpty();
            assertThat(alert.getPaper().getAuthors()).isEmpty();
        });
        // and the paper is stored once
        assertThat(papersAlerted.readKeyValuesToMap()).containsOnlyKeys("p1").containsValue(paper);
        assertThat(papersAlerted.isEmpty()).isTrue();

        // And each digest, one per recipient, has the paper, as far as its email shows it
        topology.advance(Duration.ofMinutes(2));
        List<Digest> sent = digests.readValuesToList();
        assertThat(sent)
                .extracting(Digest::getRecipient)
                .containsExactlyInAnyOrder("ada@example.org", "grace@example.org", "alan@example.org");
        assertThat(sent)
                .allSatisfy(digest -> assertThat(digest.getAlerts())
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert.getPaperByReference()).isFalse();
                            assertThat(alert.getPaper()).isEqualTo(ShownPapers.of(paper));
                        }));
    }

    @Test
    void shouldStoreEachPaperOnceAndSendItsDigestsWhenShardsMatchThePapers() {
        // Given subscriptions matched by shards (the test driver runs one task of each part of the
        // topology, hence one shard; ShardedMatchingIntegrationTest has several, on a broker)
        topology.close();
        topology = new TopologyFixture(stateDir.resolve("sharded"), START, 0, new SubscriptionShards(1));
        subscriptions = topology.input(Topics.SUBSCRIPTIONS);
        papers = topology.input(Topics.PAPERS);
        alerts = topology.output(Topics.ALERTS);
        papersAlerted = topology.output(Topics.PAPERS_ALERTED);
        digests = topology.output(Topics.DIGESTS);
        for (String who : List.of("ada", "grace")) {
            subscriptions.pipeInput(who, subscription(who, who + "@example.org", DeliveryMode.INSTANT));
        }
        Paper matched = wholePaper("p1", "Reward hacking in the wild");
        Paper again = wholePaper("p1", "Reward hacking in the wild");
        again.setVersion(2);

        // When the paper arrives twice (a new version), beside one nobody subscribed to
        papers.pipeInput("p1", matched);
        papers.pipeInput("p2", wholePaper("p2", "Protein folding"));
        papers.pipeInput("p1", again);

        // Then each recipient is alerted once, by reference
        assertThat(alerts.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.getPaper().getId(), kv -> kv.value.getPaperByReference())
                .containsExactlyInAnyOrder(
                        tuple("ada@example.org", "p1", true), tuple("grace@example.org", "p1", true));
        // and every paper is stored, each version once, before any shard matches it
        assertThat(papersAlerted.readValuesToList())
                .containsExactly(matched, wholePaper("p2", "Protein folding"), again);

        // And each digest has the paper as its email shows it
        topology.advance(Duration.ofMinutes(2));
        assertThat(digests.readValuesToList())
                .hasSize(2)
                .allSatisfy(digest -> assertThat(digest.getAlerts())
                        .singleElement()
                        .satisfies(alert -> assertThat(alert.getPaper()).isEqualTo(ShownPapers.of(again))));
    }

    @Test
    void shouldHoldADigestUntilThePapersTableHoldsItsPaper() {
        // Given an alert by reference whose paper the table does not hold yet (its thread trails)
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", DeliveryMode.INSTANT));
        Paper paper = wholePaper("p9", "Reward models");
        topology.input(Topics.ALERTS)
                .pipeInput(
                        "ada@example.org", TestData.byReference(TestData.alert("ada@example.org", "s1", paper, START)));

        // When the digest is due
        topology.advance(Duration.ofMinutes(2));

        // Then it waits rather than go out without its paper
        assertThat(digests.isEmpty()).isTrue();

        // And it goes out with its paper moments after the table has it, well before the next check (1 s)
        topology.input(Topics.PAPERS_ALERTED).pipeInput("p9", paper);
        topology.advance(Duration.ofMillis(50));
        assertThat(digests.readValuesToList())
                .singleElement()
                .satisfies(digest -> assertThat(digest.getAlerts())
                        .extracting(Alert::getPaper)
                        .containsExactly(ShownPapers.of(paper)));
    }

    @Test
    void shouldSendAndArchiveAlertsWrittenInThePreviousFormatBesideNewOnes() {
        // Given a daily subscription, and an alert written by the previous version: schema v5,
        // the whole paper inside, as the alerts topic and the stores hold them before the upgrade
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", DeliveryMode.DAILY));
        Paper old = wholePaper("p-old", "Reward hacking before the upgrade");
        byte[] v5 = PreviousFormat.alert(TestData.alert("ada@example.org", "s1", old, START));
        topology.driver
                .createInputTopic(Topics.ALERTS.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("ada@example.org", v5);

        // When a paper arrives after the upgrade, alerted by reference
        Paper now = wholePaper("p-new", "Reward hacking after the upgrade");
        papers.pipeInput("p-new", now);
        assertThat(alerts.readValuesToList())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getPaperByReference()).isTrue());

        // Then the archive holds both, the old one whole and the new one by reference
        KeyValueStore<String, Alert> archive = topology.driver.getKeyValueStore(ArchiveWriter.STORE);
        List<Alert> archived = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = archive.all()) {
            all.forEachRemaining(entry -> archived.add(entry.value));
        }
        assertThat(archived)
                .extracting(a -> a.getPaper().getId(), Alert::getPaperByReference)
                .containsExactlyInAnyOrder(tuple("p-old", false), tuple("p-new", true));

        // And the day's one digest lists both papers, once each
        topology.advance(Duration.ofDays(1));
        assertThat(digests.readValuesToList())
                .singleElement()
                .satisfies(digest -> assertThat(digest.getAlerts())
                        .extracting(Alert::getPaper)
                        .containsExactlyInAnyOrder(ShownPapers.of(old), ShownPapers.of(now)));
        topology.advance(Duration.ofDays(1));
        assertThat(digests.isEmpty()).isTrue();
    }

    @Test
    void shouldWriteWhereEachSnippetIsCutAndSendTheDigestWithTheSnippetsText() {
        // Given a subscription whose word is in a paper's abstract only
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", DeliveryMode.INSTANT));
        Paper paper = wholePaper("p2", "Agents that learn slowly");
        paper.setAbstractText("We train agents for a very long time, in many worlds and with many seeds. Their"
                + " reward is sparse and delayed, which we study in depth; the rest of this abstract is long.");
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        Explanation why = Explanation.of(matcher.compile("reward"), matcher.analyze(paper));

        // When the paper arrives
        papers.pipeInput("p2", paper);

        // Then its alert holds where the snippet is cut from the abstract, not the snippet's text
        assertThat(alerts.readValuesToList())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getReasons())
                        .singleElement()
                        .satisfies(reason -> {
                            assertThat(reason.getSnippet()).isEmpty();
                            assertThat(reason.getSnippetCut().getInTitle()).isFalse();
                            assertThat(reason.getSnippetCut().getFrom())
                                    .isEqualTo(why.cut().from());
                            assertThat(reason.getSnippetCut().getTo())
                                    .isEqualTo(why.cut().to());
                        }));

        // And the digest has the snippet's text, cut from the stored paper, as the email shows it
        topology.advance(Duration.ofMinutes(2));
        assertThat(digests.readValuesToList())
                .singleElement()
                .satisfies(digest -> assertThat(digest.getAlerts().get(0).getReasons())
                        .singleElement()
                        .satisfies(reason -> {
                            assertThat(reason.getSnippet())
                                    .isEqualTo(why.snippet())
                                    .startsWith("\u2026 ")
                                    .contains("reward is sparse");
                            assertThat(reason.getSnippetCut()).isNull();
                        }));
    }

    @Test
    void shouldKeepAnOpenDigestsEntriesWithoutReasonsAndSendThemWithTheArchivedOnesAndTheSubscriptionsQueryAndToken() {
        // Given a subscription of Ada's whose word is in the abstracts of three papers
        Subscription s1 = subscription("s1", "ada@example.org", DeliveryMode.DAILY);
        s1.setArchiveToken("secret-token-of-s1");
        subscriptions.pipeInput("s1", s1);
        KeyValueStore<String, Alert> entries = topology.driver.getKeyValueStore(DigestScheduler.BUFFERED_ALERTS_STORE);
        KeyValueStore<String, Alert> archive = topology.driver.getKeyValueStore(ArchiveWriter.STORE);
        for (String id : List.of("p1", "p2", "p3")) {
            Paper paper = wholePaper(id, "Agents number " + id);
            paper.setAbstractText("We train agents for a long time. Their reward is sparse and delayed.");
            papers.pipeInput(id, paper);
        }
        List<Alert> sent = alerts.readValuesToList();
        assertThat(sent).hasSize(3);
        // And the alerts carry neither the query nor the archive token (a secret only the email needs)
        assertThat(sent)
                .flatExtracting(Alert::getReasons)
                .extracting(r -> r.getArchiveToken())
                .containsOnlyNulls();
        assertThat(sent)
                .flatExtracting(Alert::getReasons)
                .extracting(r -> r.getQuery())
                .containsOnly("");

        // Then the open digest's entries name each paper and subscription, without the reasons
        List<KeyValue<String, Alert>> open = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = entries.all()) {
            all.forEachRemaining(open::add);
        }
        assertThat(open).hasSize(3).allSatisfy(entry -> {
            assertThat(entry.value.getReasons()).isEmpty();
            assertThat(entry.value.getSubscriptionIds()).containsExactly("s1");
        });

        // When p2's entry is one an earlier version kept whole, and p3's archive entry is gone
        Alert whole = sent.get(1);
        whole.getReasons().get(0).setMatchedTerms(List.of("as kept before"));
        entries.put(open.get(1).key, whole);
        try (KeyValueIterator<String, Alert> all = archive.all()) {
            List<String> p3 = new ArrayList<>();
            all.forEachRemaining(entry -> {
                if (entry.value.getPaper().getId().equals("p3")) {
                    p3.add(entry.key);
                }
            });
            assertThat(p3).hasSize(1);
            p3.forEach(archive::delete);
        }
        // And Ada replaces her archive token (revoking the old links), and the day passes
        s1.setArchiveToken("replaced-token-of-s1");
        subscriptions.pipeInput("s1", s1);
        topology.advance(Duration.ofDays(1));

        // Then the digest lists all three: p1 with its archived reason (the matched word, the
        // snippet cut again), p2 with the reason it kept, p3 with its subscription's query alone
        assertThat(digests.readValuesToList()).singleElement().satisfies(digest -> {
            assertThat(digest.getAlerts()).extracting(a -> a.getPaper().getId()).containsExactly("p1", "p2", "p3");
            var p1 = digest.getAlerts().get(0).getReasons();
            assertThat(p1)
                    .extracting(r -> r.getSubscriptionId(), r -> r.getQuery(), r -> r.getMatchedTerms())
                    .containsExactly(tuple("s1", "reward", List.of("reward")));
            assertThat(p1.get(0).getSnippet()).contains("reward is sparse");
            assertThat(digest.getAlerts().get(1).getReasons())
                    .extracting(r -> r.getMatchedTerms())
                    .containsExactly(List.of("as kept before"));
            assertThat(digest.getAlerts().get(2).getReasons())
                    .extracting(r -> r.getSubscriptionId(), r -> r.getQuery(), r -> r.getMatchedTerms())
                    .containsExactly(tuple("s1", "reward", List.of()));
            // And each reason has the subscription's archive token as it is now, for the email's links
            assertThat(digest.getAlerts())
                    .flatExtracting(Alert::getReasons)
                    .extracting(r -> r.getArchiveToken())
                    .containsExactly("replaced-token-of-s1", "replaced-token-of-s1", "replaced-token-of-s1");
        });
    }

    @Test
    void shouldSendTheSnippetOfAnAlertByReferenceThatThePreviousVersionWroteWithItsText() {
        // Given an instant subscription, and an alert by reference the previous version wrote
        // (schema v6: the snippet's text inside), whose paper the table holds
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", DeliveryMode.INSTANT));
        Paper paper = wholePaper("p3", "Agents before the upgrade");
        topology.input(Topics.PAPERS_ALERTED).pipeInput("p3", paper);
        Alert old = TestData.byReference(TestData.alert("ada@example.org", "s1", paper, START));
        old.getReasons().get(0).setSnippet("\u2026 the snippet as the previous version wrote it \u2026");
        topology.driver
                .createInputTopic(Topics.ALERTS.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("ada@example.org", PreviousFormat.alertV6(old));

        // When its digest is due
        topology.advance(Duration.ofMinutes(2));

        // Then the email shows the snippet it carried
        assertThat(digests.readValuesToList())
                .singleElement()
                .satisfies(digest -> assertThat(digest.getAlerts())
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert.getPaper()).isEqualTo(ShownPapers.of(paper));
                            assertThat(alert.getReasons().get(0).getSnippet())
                                    .isEqualTo("\u2026 the snippet as the previous version wrote it \u2026");
                        }));
    }
}
