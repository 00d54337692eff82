package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderRank;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.ranking.AnalysedPapers;
import io.paperalerts.streams.ranking.FeedbackRecorder;
import io.paperalerts.streams.ranking.ReaderModels;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Digests in each reader's order, learnt from its "more like this" and "less like this". */
@Timeout(60)
class ReaderRankingTopologyTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private static final String ADA = "ada@example.org";
    private static final String BOB = "bob@example.org";

    static final Paper GRASPING = shown(
            "p-grasp",
            "Agents for robot grasping",
            "We train robot agents to grasp household objects with tactile sensors and dexterous hands.",
            1);
    static final Paper PROVING = shown(
            "p-prove",
            "Agents that prove theorems",
            "Language model agents write formal proofs in Lean, searching over tactics for competition theorems.",
            2);
    private static final Paper TACTILE = shown(
            "q-tactile",
            "Tactile agents for dexterous robot hands",
            "Robot hands with tactile sensors let agents grasp fragile objects; grasping policies learnt from touch.",
            10);
    private static final Paper TRAFFIC = shown(
            "q-traffic",
            "Agents in traffic simulation",
            "Driving agents in a city traffic simulator learn to merge lanes safely in dense traffic.",
            9);
    static final Paper LEAN = shown(
            "q-lean",
            "Theorem proving agents with tactic search",
            "Agents prove Lean theorems by searching tactics with a language model, solving competition problems.",
            8);

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestInputTopic<String, Feedback> feedback;
    private TestInputTopic<String, String> forget;
    private TestOutputTopic<String, Digest> digests;
    private TestOutputTopic<String, Feedback> feedbackOut;

    @BeforeEach
    void start() {
        topology = new TopologyFixture(stateDir, START);
        subscriptions = topology.input(Topics.SUBSCRIPTIONS);
        papers = topology.input(Topics.PAPERS);
        feedback = topology.input(Topics.FEEDBACK);
        forget = topology.input(Topics.FORGET_REQUESTS);
        digests = topology.output(Topics.DIGESTS);
        feedbackOut = topology.output(Topics.FEEDBACK);
    }

    @AfterEach
    void close() {
        topology.close();
    }

    /** A paper published {@code hoursAfter} hours after two days before the start: the email lists newer ones first. */
    private static Paper shown(String id, String title, String abstractText, int hoursAfter) {
        Paper paper = paper(id, title, abstractText);
        paper.setPublished(START.minus(Duration.ofDays(2)).plus(Duration.ofHours(hoursAfter)));
        return paper;
    }

    /** A click now. */
    private void say(String reader, Paper paper, Opinion opinion) {
        say(reader, paper, opinion, topology.clock.instant());
    }

    private void say(String reader, Paper paper, Opinion opinion, Instant at) {
        TopologyFixture.say(feedback, reader, paper, opinion, at);
    }

    private Map<String, Digest> sendAll(Paper... sent) {
        return topology.sendAll(papers, digests, sent);
    }

    private static List<String> order(Digest digest) {
        return digest.getRanking().stream().map(ReaderRank::getPaperId).toList();
    }

    @Test
    void shouldOrderTheSamePapersDifferentlyForTwoReadersWithOppositeFeedbackWithReasons() {
        // Given two readers of the same query, each sent the same two papers, in keyword order
        subscriptions.pipeInput("s-ada", active("s-ada", ADA, "agents"));
        subscriptions.pipeInput("s-bob", active("s-bob", BOB, "agents"));
        Map<String, Digest> first = sendAll(GRASPING, PROVING);
        assertThat(first.values())
                .hasSize(2)
                .allSatisfy(d -> assertThat(d.getRanking()).isEmpty());

        // When Ada wants more like the grasping paper and Bob less
        say(ADA, GRASPING, Opinion.MORE);
        say(BOB, GRASPING, Opinion.LESS);
        Map<String, Digest> next = sendAll(TACTILE, TRAFFIC, LEAN);

        // Then both get the same three papers, Ada's with the tactile one first, for the paper she liked
        Digest ada = next.get(ADA);
        Digest bob = next.get(BOB);
        assertThat(order(ada)).containsExactlyInAnyOrder("q-tactile", "q-traffic", "q-lean");
        assertThat(order(bob)).containsExactlyInAnyOrder("q-tactile", "q-traffic", "q-lean");
        assertThat(order(ada).get(0)).isEqualTo("q-tactile");
        assertThat(ada.getRanking().get(0).getLike()).isEqualTo(GRASPING.getTitle());
        // and Bob's with it last (keyword order, newest first, had it first), without a reason
        assertThat(order(bob).get(2)).isEqualTo("q-tactile");
        assertThat(bob.getRanking()).allSatisfy(r -> assertThat(r.getLike()).isNull());
        assertThat(order(ada)).isNotEqualTo(order(bob));
        assertThat(ada.getRankedLower()).isZero();
        assertThat(bob.getRankedLower()).isZero();
    }

    @Test
    void shouldListPapersLikeThoseReadLessOfAsRankedLowerAfterThreeButNeverTheFirst() {
        // Given a reader who wanted less of three theorem-proving papers
        subscriptions.pipeInput("s-bob", active("s-bob", BOB, "agents"));
        Paper lean2 =
                shown("p-lean2", "Agents proving Lean theorems", "Lean theorems proved by agents with tactics.", 3);
        Paper lean3 = shown(
                "p-lean3", "Tactic search for theorem proving agents", "Agents search tactics to prove theorems.", 4);
        sendAll(PROVING, lean2, lean3, GRASPING);
        for (Paper paper : List.of(PROVING, lean2, lean3)) {
            say(BOB, paper, Opinion.LESS);
        }

        // When a theorem-proving paper and another arrive
        Digest digest = sendAll(LEAN, TRAFFIC).get(BOB);

        // Then the theorem-proving one is left out and counted, and the other is listed
        assertThat(order(digest)).containsExactly("q-traffic");
        assertThat(digest.getAlerts()).extracting(a -> a.getPaper().getId()).containsExactly("q-traffic");
        assertThat(digest.getRankedLower()).isEqualTo(1);

        // And when only papers like those arrive, the first stays listed
        Digest alone = sendAll(shown(
                        "q-lean2", "Theorem proving agents in Lean", "Agents prove theorems with tactics in Lean.", 11))
                .get(BOB);
        assertThat(order(alone)).containsExactly("q-lean2");
        assertThat(alone.getRankedLower()).isZero();
    }

    @Test
    void shouldLearnFromOpinionsReadAgainByTheNextCheckAndRankFromThen() {
        // Given a reader whose opinion of yesterday is read again (a replay): not learnt at once
        subscriptions.pipeInput("s-ada", active("s-ada", ADA, "agents"));
        sendAll(GRASPING, PROVING);
        say(ADA, GRASPING, Opinion.MORE, topology.clock.instant().minus(Duration.ofDays(1)));
        assertThat(topology.driver.getKeyValueStore(ReaderModels.STORE).get(ADA))
                .isNull();

        // When the next check has run
        topology.advance(Duration.ofSeconds(2));

        // Then the reader's digests are ranked by it
        assertThat(topology.driver.getKeyValueStore(ReaderModels.STORE).get(ADA))
                .isNotNull();
        Digest next = sendAll(TRAFFIC, TACTILE).get(ADA);
        assertThat(order(next)).containsExactly("q-tactile", "q-traffic");
        assertThat(next.getRanking().get(0).getLike()).isEqualTo(GRASPING.getTitle());
        // and the texts it learnt from are kept in the task's store, for a restart, until they are old
        var analysed = topology.driver.getKeyValueStore(AnalysedPapers.STORE);
        assertThat(analysed.get(GRASPING.getId() + " v1")).isNotNull();
        topology.advance(Duration.ofDays(121));
        assertThat(analysed.get(GRASPING.getId() + " v1")).isNull();
    }

    @Test
    void shouldKeepKeywordOrderOnceFeedbackIsUndoneAndEraseItWhenTheReaderIsForgotten() {
        // Given a reader who wanted more like one paper, then took it back
        subscriptions.pipeInput("s-ada", active("s-ada", ADA, "agents"));
        sendAll(GRASPING, PROVING);
        say(ADA, GRASPING, Opinion.MORE);
        say(ADA, PROVING, Opinion.LESS);
        feedback.pipeInput(FeedbackKeys.key(ADA, GRASPING.getId()), (Feedback) null, topology.clock.instant());

        // When papers arrive, the one opinion left counts
        assertThat(order(sendAll(TACTILE, LEAN).get(ADA))).containsExactly("q-tactile", "q-lean");

        // And when the reader is forgotten
        feedbackOut.readRecordsToList();
        forget.pipeInput(ADA, String.valueOf(START.toEpochMilli()));

        // Then each of its remaining opinions gets a tombstone on the topic
        List<TestRecord<String, Feedback>> erased = feedbackOut.readRecordsToList();
        assertThat(erased).extracting(TestRecord::key).containsExactly(FeedbackKeys.key(ADA, PROVING.getId()));
        assertThat(erased).allSatisfy(r -> assertThat(r.value()).isNull());
        // and a new subscription's digest is in keyword order, unranked
        subscriptions.pipeInput("s-ada2", active("s-ada2", ADA, "agents"));
        assertThat(sendAll(TRAFFIC).get(ADA).getRanking()).isEmpty();
    }

    @Test
    void shouldEraseAnOpinionSavedJustBeforeItsReaderAskedToBeForgottenButReadAfterTheRequest() {
        // Given a reader who said "more like this" and then asked to be forgotten, the request read first
        subscriptions.pipeInput("s-ada", active("s-ada", ADA, "agents"));
        sendAll(GRASPING, PROVING);
        Instant clicked = topology.clock.instant();
        topology.advance(Duration.ofSeconds(5));
        forget.pipeInput(ADA, String.valueOf(topology.clock.instant().toEpochMilli()));
        feedbackOut.readRecordsToList();
        say(ADA, GRASPING, Opinion.MORE, clicked);
        var opinions = topology.driver.<String, Feedback>getKeyValueStore(FeedbackRecorder.STORE);
        assertThat(opinions.get(FeedbackKeys.key(ADA, GRASPING.getId()))).isNotNull();

        // When the reader's end, written with the request after every opinion it saved, is read
        feedback.pipeInput(FeedbackKeys.end(ADA), (Feedback) null, topology.clock.instant());

        // Then the opinion is erased, with a tombstone on the topic, and so is its model
        List<TestRecord<String, Feedback>> erased = feedbackOut.readRecordsToList();
        assertThat(erased).extracting(TestRecord::key).containsExactly(FeedbackKeys.key(ADA, GRASPING.getId()));
        assertThat(erased).allSatisfy(r -> assertThat(r.value()).isNull());
        assertThat(opinions.get(FeedbackKeys.key(ADA, GRASPING.getId()))).isNull();
        assertThat(topology.driver.getKeyValueStore(ReaderModels.STORE).get(ADA))
                .isNull();
        // and an opinion of the address after its end (it subscribed again) counts
        say(ADA, PROVING, Opinion.LESS);
        assertThat(opinions.get(FeedbackKeys.key(ADA, PROVING.getId()))).isNotNull();
        assertThat(feedbackOut.readRecordsToList()).isEmpty();
    }

    /** A backfill's digest for the reader, in keyword order, with whole papers (as Backfill writes it). */
    private static Digest backfill(String reader, Paper... papers) {
        List<Alert> alerts = new ArrayList<>();
        for (Paper paper : papers) {
            Alert alert = TestData.alert(reader, "s-new", paper, START);
            alert.setKind(AlertKind.BACKFILL);
            alerts.add(alert);
        }
        return Digest.newBuilder()
                .setId("backfill-" + reader)
                .setRecipient(reader)
                .setKind(DigestKind.BACKFILL)
                .setPeriodStart(START.minus(Duration.ofDays(7)))
                .setPeriodEnd(START)
                .setAlerts(alerts)
                .build();
    }

    @Test
    void shouldPutABackfillsDigestInItsReadersOrderWithReasonsAndCutItsPapers() {
        // Given a reader who wanted more like the grasping paper, and another who said nothing
        subscriptions.pipeInput("s-ada", active("s-ada", ADA, "agents"));
        sendAll(GRASPING, PROVING);
        say(ADA, GRASPING, Opinion.MORE);

        // When backfills of new subscriptions send each of them the same papers, in keyword order
        var backfills = topology.input(Topics.DIGESTS_BACKFILL);
        backfills.pipeInput(ADA, backfill(ADA, TRAFFIC, TACTILE));
        backfills.pipeInput(BOB, backfill(BOB, TRAFFIC, TACTILE));

        // Then the reader's goes out in its order, the tactile paper first for the one it liked
        Map<String, Digest> sent =
                digests.readValuesToList().stream().collect(Collectors.toMap(Digest::getRecipient, d -> d));
        assertThat(order(sent.get(ADA))).containsExactly("q-tactile", "q-traffic");
        assertThat(sent.get(ADA).getRanking().get(0).getLike()).isEqualTo(GRASPING.getTitle());
        // and the other's in keyword order, unranked
        assertThat(sent.get(BOB).getRanking()).isEmpty();
        assertThat(sent.get(BOB).getAlerts())
                .extracting(a -> a.getPaper().getId())
                .containsExactly("q-traffic", "q-tactile");
        // each paper cut to what the email shows
        assertThat(sent.values())
                .flatMap(Digest::getAlerts)
                .allSatisfy(a -> assertThat(a.getPaper().getAbstractText()).isEmpty());
    }
}
