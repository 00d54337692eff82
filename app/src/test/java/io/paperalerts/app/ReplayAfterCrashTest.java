package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} right after the streams service crashed: its member is still in the group until
 * its session ends. The replay says what it waits for and waits, or, with {@code --force}, removes
 * the member at once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReplayAfterCrashTest {

    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @TempDir
    Path dir;

    /**
     * A static member of the streams group that stops without leaving, as a process killed with
     * SIGKILL does: the group keeps it until its session (6 s) ends.
     */
    private void crashedStreamsMember() {
        var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "paper-alerts-streams",
                        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                        "streams-1",
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        6_000),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.PAPERS.name()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        // A static member's close does not leave the group (unless told to): like a crash
        consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    }

    private Path config() throws Exception {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "group.session.timeout.ms=6000\n");
        return file;
    }

    @Test
    void shouldWaitForACrashedMembersSessionToEndSayingSoThenRewind() throws Exception {
        crashedStreamsMember();

        long start = System.nanoTime();
        Cli run = Cli.run(
                "replay",
                "papers",
                "--from",
                "2026-01-01",
                "--config",
                config().toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Waiting up to 11 s for group 'paper-alerts-streams' to have no members (streams-1 ")
                .contains("paper-alerts-streams will read papers again from 2026-01-01T00:00:00Z");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void shouldRemoveACrashedMemberAtOnceWithForce() throws Exception {
        crashedStreamsMember();

        long start = System.nanoTime();
        Cli run = Cli.run(
                "replay",
                "papers",
                "--from",
                "2026-01-01",
                "--force",
                "--config",
                config().toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Removing 1 member(s) of group 'paper-alerts-streams' (--force): streams-1 ")
                .doesNotContain("Waiting");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
