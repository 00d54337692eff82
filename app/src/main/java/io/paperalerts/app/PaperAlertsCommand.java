package io.paperalerts.app;

import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code paper-alerts} command line. */
@Command(name = "paper-alerts", mixinStandardHelpOptions = true, version = "paper-alerts 0.1.0",
        description = "Email alerts for new research papers, on Kafka.",
        subcommands = {DemoCommand.class, IngestCommand.class, StreamsCommand.class, NotifierCommand.class,
            MatchCommand.class, SubscriptionCommands.Subscribe.class, SubscriptionCommands.ListSubscriptions.class,
            SubscriptionCommands.Unsubscribe.class, BackfillCommand.class, ReplayCommand.class, StatusCommand.class, ProbeCommand.class, TopicsCommand.class, BrokerCommand.class, ConfigCommand.class})
public final class PaperAlertsCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PaperAlertsCommand());
        // A bad configuration value is the user's mistake: say what and where, without a stack trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("Configuration error: " + e.getMessage());
                return 2;
            }
            // Refusals the code words for the user (a running group, an invalid stored query).
            if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("Error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return commandLine;
    }
}
