package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.input;
import static io.paperalerts.streams.TestData.output;
import static io.paperalerts.streams.TestData.paper;
import static io.paperalerts.streams.TestData.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestInputTopic<byte[], byte[]> rawPapers;
    private TestOutputTopic<String, Alert> alerts;

    @BeforeEach
    void startDriver() {
        Properties props = new StreamsServiceConfig(Map.of(StreamsServiceConfig.STATE_DIR, stateDir.toString()))
                .streamsProperties();
        driver = new TopologyTestDriver(AlertTopology.build(new SubscriptionMatcher()), props);
        subscriptions = input(driver, Topics.SUBSCRIPTIONS);
        papers = input(driver, Topics.PAPERS);
        rawPapers = driver.createInputTopic(
                Topics.PAPERS.name(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        alerts = output(driver, Topics.ALERTS);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldAlertOnlyTheSubscriberWhoseQueryMatches() {
        // Given two subscribers with different interests
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward hacking"));
        subscriptions.pipeInput("s2", active("s2", "bob@example.org", "protein folding"));

        // When a paper about reward hacking arrives
        Paper paper = paper("p1", "Understanding Reward Hacking", "We study RL.");
        papers.pipeInput("p1", paper);

        // Then only Ada gets an alert, keyed by her address
        var records = alerts.readRecordsToList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("ada@example.org");
        Alert alert = records.get(0).value();
        assertThat(alert.getPaper().getId()).isEqualTo("p1");
        assertThat(alert.getSubscriptionIds()).containsExactly("s1");
        assertThat(alert.getReasons().get(0).getMatchedTerms()).containsExactly("Reward", "Hacking");
        // with where its snippet is cut from the stored paper, and the snippet's text once redeemed
        assertThat(alert.getReasons().get(0).getSnippet()).isEmpty();
        assertThat(PaperClaims.redeemed(alert, id -> paper).getReasons().get(0).getSnippet())
                .isEqualTo("Understanding Reward Hacking");
    }

    @Test
    void shouldMatchCaseInsensitivelyAcrossTitleAndAbstractRequiringEveryWord() {
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "Diffusion REWARD"));

        papers.pipeInput("p1", paper("p1", "Reward models", "for text-to-image diffusion"));
        papers.pipeInput("p2", paper("p2", "Reward models", "for language models"));

        assertThat(alerts.readValuesToList())
                .extracting(a -> a.getPaper().getId())
                .containsExactly("p1");
    }

    @Test
    void shouldSendOneAlertPerRecipientListingEveryMatchingSubscription() {
        // Given one recipient with two subscriptions (address in different case) and another recipient
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward"));
        subscriptions.pipeInput("s2", active("s2", "Ada@Example.org", "hacking"));
        subscriptions.pipeInput("s3", active("s3", "bob@example.org", "reward"));

        // When one paper matches all three
        papers.pipeInput("p1", paper("p1", "Reward hacking", ""));

        // Then each recipient gets exactly one alert naming all of their matching subscriptions
        Map<String, Alert> byRecipient = alerts.readKeyValuesToMap();
        assertThat(byRecipient).containsOnlyKeys("ada@example.org", "bob@example.org");
        assertThat(byRecipient.get("ada@example.org").getSubscriptionIds()).containsExactly("s1", "s2");
        assertThat(byRecipient.get("bob@example.org").getSubscriptionIds()).containsExactly("s3");
    }

    @Test
    void shouldOnlyMatchActiveSubscriptionsAndForgetRemovedOnes() {
        subscriptions.pipeInput(
                "pending", subscription("pending", "p@example.org", "reward", SubscriptionStatus.PENDING));
        subscriptions.pipeInput("cancelled", active("cancelled", "c@example.org", "reward"));
        subscriptions.pipeInput(
                "cancelled", subscription("cancelled", "c@example.org", "reward", SubscriptionStatus.CANCELLED));
        subscriptions.pipeInput("deleted", active("deleted", "d@example.org", "reward"));
        subscriptions.pipeInput("deleted", (Subscription) null);
        subscriptions.pipeInput("changed", active("changed", "e@example.org", "reward"));
        subscriptions.pipeInput("changed", active("changed", "e@example.org", "protein"));

        papers.pipeInput("p1", paper("p1", "Reward hacking", ""));

        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void shouldChangeWhatMatchesWhenASubscriptionIsAddedUpdatedAndDeleted() {
        // Added: matches
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "title:diffusion"));
        papers.pipeInput("p1", paper("p1", "Diffusion models", ""));
        assertThat(alerts.readValuesToList())
                .extracting(a -> a.getPaper().getId())
                .containsExactly("p1");

        // Updated to another query: the old one no longer matches, the new one does
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "\"reward model\""));
        papers.pipeInput("p2", paper("p2", "Diffusion models again", ""));
        papers.pipeInput("p3", paper("p3", "Better Reward Models", ""));
        assertThat(alerts.readValuesToList())
                .extracting(a -> a.getPaper().getId())
                .containsExactly("p3");

        // Deleted: nothing matches
        subscriptions.pipeInput("s1", (Subscription) null);
        papers.pipeInput("p4", paper("p4", "Reward models and diffusion", ""));
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void shouldNeverAlertASubscriptionTwiceAboutThePaperArrivingAgain() {
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward"));
        papers.pipeInput("p1", paper("p1", "Reward", ""));

        // The same paper again, e.g. from another source or as version 2
        Paper again = paper("p1", "Reward, revised", "");
        again.setVersion(2);
        papers.pipeInput("p1", again);
        assertThat(alerts.readValuesToList()).hasSize(1);

        // But a subscription added later still hears about it when it comes again
        subscriptions.pipeInput("s2", active("s2", "bob@example.org", "revised"));
        papers.pipeInput("p1", again);
        assertThat(alerts.readKeyValuesToMap()).containsOnlyKeys("bob@example.org");
    }

    @Test
    void shouldIgnoreASubscriptionWithAnInvalidQueryAndKeepMatchingTheOthers() {
        subscriptions.pipeInput("bad", active("bad", "bad@example.org", "(unclosed"));
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward"));

        papers.pipeInput("p1", paper("p1", "Reward (unclosed", ""));

        assertThat(alerts.readKeyValuesToMap()).containsOnlyKeys("ada@example.org");
    }

    @Test
    void shouldSkipGarbageAndKeepMatching() {
        // The dead letter itself is only written through a real producer: see PoisonPaperIntegrationTest.
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward"));

        rawPapers.pipeInput("bad".getBytes(StandardCharsets.UTF_8), "\u0000garbage".getBytes(StandardCharsets.UTF_8));
        papers.pipeInput("p2", paper("p2", "Reward", ""));

        assertThat(alerts.readValuesToList())
                .extracting(a -> a.getPaper().getId())
                .containsExactly("p2");
    }
}
