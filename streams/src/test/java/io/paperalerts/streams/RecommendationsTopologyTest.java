package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Recommendation;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.ranking.ReaderRecommendations;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** "Recommended for you": papers no subscription of the reader matched, that its ranking scores high. */
@Timeout(60)
class RecommendationsTopologyTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private static final String ADA = "ada@example.org";
    private static final String CAROL = "carol@example.org";

    // The ranking test's papers: Ada likes the grasping one, not the theorem-proving one.
    private static final Paper GRASPING = ReaderRankingTopologyTest.GRASPING;
    private static final Paper PROVING = ReaderRankingTopologyTest.PROVING;
    private static final Paper LEAN = ReaderRankingTopologyTest.LEAN;

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestInputTopic<String, Feedback> feedback;
    private TestInputTopic<String, String> forget;
    private TestOutputTopic<String, Digest> digests;

    private void start(int perWeek) {
        topology = new TopologyFixture(stateDir, START, perWeek);
        subscriptions = topology.input(Topics.SUBSCRIPTIONS);
        papers = topology.input(Topics.PAPERS);
        feedback = topology.input(Topics.FEEDBACK);
        forget = topology.input(Topics.FORGET_REQUESTS);
        digests = topology.output(Topics.DIGESTS);
        // Ada reads about agents; Carol's query finds the robot papers Ada's does not
        subscriptions.pipeInput("s-ada", active("s-ada", ADA, "agents"));
        subscriptions.pipeInput("s-carol", active("s-carol", CAROL, "robot OR traffic"));
        // Ada liked the grasping paper and not the theorem-proving one
        sendAll(GRASPING, PROVING);
        say(ADA, GRASPING, Opinion.MORE);
        say(ADA, PROVING, Opinion.LESS);
    }

    @AfterEach
    void close() {
        topology.close();
    }

    private void say(String reader, Paper paper, Opinion opinion) {
        TopologyFixture.say(feedback, reader, paper, opinion, topology.clock.instant());
    }

    private Map<String, Digest> sendAll(Paper... sent) {
        return topology.sendAll(papers, digests, sent);
    }

    private static Paper hands(String id) {
        return paper(
                id,
                "Tactile robot hands grasp fragile objects " + id,
                "Robot hands with tactile sensors grasp fragile household objects; dexterous grasping from touch.");
    }

    private static final Paper TRAFFIC = paper(
            "q-traffic",
            "Lane merging in traffic simulation",
            "Driving policies in a city traffic simulator merge lanes safely in dense traffic.");

    private static List<String> recommended(Digest digest) {
        return digest.getRecommended().stream().map(r -> r.getPaper().getId()).toList();
    }

    @Test
    void shouldRecommendAPaperLikeOneTheReaderLikedThatNoneOfItsSubscriptionsMatched() {
        // Given recommendations on, one a week
        start(1);

        // When a paper for Ada arrives with two that only Carol's query matches
        Map<String, Digest> sent = sendAll(LEAN, hands("q-hands"), TRAFFIC);

        // Then Ada's digest recommends the robot-hands paper, for the paper she liked, and not the traffic one
        Digest ada = sent.get(ADA);
        assertThat(ada.getAlerts()).extracting(a -> a.getPaper().getId()).containsExactly("q-lean");
        assertThat(ada.getRecommended())
                .singleElement()
                .satisfies(r -> assertThat(r.getPaper().getId()).isEqualTo("q-hands"))
                .extracting(Recommendation::getLike)
                .isEqualTo(GRASPING.getTitle());
        // (as the email shows it: the beginning of the abstract, not all of it)
        assertThat(ada.getRecommended().get(0).getPaper().getTitle())
                .isEqualTo("Tactile robot hands grasp fragile objects q-hands");
        // and Carol, who gave no feedback, gets none
        assertThat(sent.get(CAROL).getRecommended()).isEmpty();

        // And the next day, another such paper is not recommended: one a week
        topology.advance(Duration.ofDays(1));
        assertThat(recommended(sendAll(shown("q-lean2"), hands("q-hands2")).get(ADA)))
                .isEmpty();

        // And a week later, one is again
        topology.advance(Duration.ofDays(7));
        assertThat(recommended(sendAll(shown("q-lean3"), hands("q-hands3")).get(ADA)))
                .containsExactly("q-hands3");

        // And when Ada is forgotten, what she was recommended goes too
        var sentStore = topology.driver.getKeyValueStore(ReaderRecommendations.SENT_STORE);
        assertThat(sentStore.get(ADA)).isNotNull();
        forget.pipeInput(ADA, String.valueOf(topology.clock.millis()));
        assertThat(sentStore.get(ADA)).isNull();
    }

    @Test
    void shouldRecommendNothingByDefault() {
        // Given recommendations off, as by default
        start(0);

        // When the same papers arrive
        Map<String, Digest> sent = sendAll(LEAN, hands("q-hands"), TRAFFIC);

        // Then Ada's digest is ranked, and recommends nothing
        assertThat(sent.get(ADA).getRanking()).isNotEmpty();
        assertThat(sent.get(ADA).getRecommended()).isEmpty();
    }

    /** Another theorem-proving paper for Ada: a digest of hers goes out. */
    private static Paper shown(String id) {
        return paper(id, "Theorem proving agents " + id, "Agents prove theorems with tactics in Lean.");
    }
}
