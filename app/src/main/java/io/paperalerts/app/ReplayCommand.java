package io.paperalerts.app;

import io.paperalerts.config.GroupMembership;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Operators' replays: re-deliver alerts, or re-match papers, from a time on. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Replay alerts (re-deliver what was not delivered) or papers (re-match them) from a time on.",
        subcommands = {ReplayCommand.Alerts.class, ReplayCommand.Papers.class})
final class ReplayCommand {

    /** Options of both replays. */
    static final class Options {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Mixin
        ServiceOptions service;

        @Option(
                names = "--from",
                required = true,
                paramLabel = "TIMESTAMP",
                description = "From this time on: 2026-11-28T06:00:00Z or 2026-11-28 (UTC midnight)")
        String from;

        @Option(
                names = "--force",
                description = "Remove the streams group's members instead of waiting for them to "
                        + "leave: only when those processes are known to be gone (e.g. killed and not restarted)")
        boolean force;

        /** Moves the (stopped) streams service's group back on {@code topic}; both replays are its. */
        int rewindStreams(Topic<?, ?> topic) throws InterruptedException {
            var config = new StreamsServiceConfig(service.resolve(StreamsServiceConfig.DEFINITION, Map.of()));
            String groupId = config.getString(StreamsServiceConfig.APPLICATION_ID);
            KafkaClients clients = ServiceOptions.clients(config);
            Instant at = TimeOption.parse(spec, "--from", from);
            try (Admin admin = clients.admin()) {
                // A service killed a moment ago is still a member until its session ends: wait for that.
                Duration wait = Duration.ofMillis(config.getInt(GroupMembership.SESSION_TIMEOUT_MS))
                        .plusSeconds(5);
                ConsumerGroupRewind.awaitNoMembers(
                        admin, groupId, wait, force, spec.commandLine().getOut());
                var offsets = ConsumerGroupRewind.rewind(admin, groupId, topic, at);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "%s will read %s again from %s (%d partitions); start it to replay%n",
                                groupId, topic, at, offsets.size());
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    /**
     * Re-delivers alerts from a time on: the (stopped) streams service gathers them into digests
     * again, and the notifier's delivery record leaves out every paper it delivered before.
     */
    @Command(
            name = "alerts",
            mixinStandardHelpOptions = true,
            description = "Make the (stopped) streams service turn alerts into emails again from a time on; "
                    + "the notifier sends only what was not delivered.")
    static final class Alerts implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() throws Exception {
            return options.rewindStreams(Topics.ALERTS);
        }
    }

    /** Re-matches papers from a time on; subscriptions already alerted about a paper are not alerted again. */
    @Command(
            name = "papers",
            mixinStandardHelpOptions = true,
            description =
                    "Make the (stopped) streams service match papers again from a time on; only new matches are alerted.")
    static final class Papers implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() throws Exception {
            return options.rewindStreams(Topics.PAPERS);
        }
    }
}
