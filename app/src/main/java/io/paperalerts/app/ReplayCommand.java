package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Operators' replays: re-deliver alerts, or re-match papers, from a time on. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay alerts (re-deliver what was not delivered) or papers (re-match them) from a time on.",
        subcommands = {ReplayCommand.Alerts.class, ReplayCommand.Papers.class})
final class ReplayCommand {

    /** Options of both replays. */
    static final class Options {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Mixin
        ServiceOptions service;

        @Option(names = "--from", required = true, paramLabel = "TIMESTAMP",
                description = "From this time on: 2026-11-28T06:00:00Z or 2026-11-28 (UTC midnight)")
        String from;

        Instant from() {
            try {
                return from.length() == 10 ? LocalDate.parse(from).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : Instant.parse(from);
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(),
                        "--from: '" + from + "' is not a date (2026-11-28) or an instant (2026-11-28T06:00:00Z)");
            }
        }

        int rewind(String groupId, Topic<?, ?> topic, List<String> bootstrap) throws InterruptedException {
            Instant at = from();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                var offsets = ConsumerGroupRewind.rewind(admin, groupId, topic, at);
                spec.commandLine().getOut().printf("%s will read %s again from %s (%d partitions); start it to replay%n",
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
    @Command(name = "alerts", mixinStandardHelpOptions = true,
            description = "Make the (stopped) streams service turn alerts into emails again from a time on; "
                    + "the notifier sends only what was not delivered.")
    static final class Alerts implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() throws Exception {
            var config = new StreamsServiceConfig(options.service.resolve(StreamsServiceConfig.DEFINITION, Map.of()));
            return options.rewind(config.getString(StreamsServiceConfig.APPLICATION_ID), Topics.ALERTS,
                    config.getList(CommonConfig.BOOTSTRAP_SERVERS));
        }
    }

    /** Re-matches papers from a time on; subscriptions already alerted about a paper are not alerted again. */
    @Command(name = "papers", mixinStandardHelpOptions = true,
            description = "Make the (stopped) streams service match papers again from a time on; only new matches are alerted.")
    static final class Papers implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() throws Exception {
            var config = new StreamsServiceConfig(options.service.resolve(StreamsServiceConfig.DEFINITION, Map.of()));
            return options.rewind(config.getString(StreamsServiceConfig.APPLICATION_ID), Topics.PAPERS,
                    config.getList(CommonConfig.BOOTSTRAP_SERVERS));
        }
    }
}
