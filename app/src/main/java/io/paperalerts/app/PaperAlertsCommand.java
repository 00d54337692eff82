package io.paperalerts.app;

import io.paperalerts.kafka.KafkaProblem;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code paper-alerts} command line. */
@Command(
        name = "paper-alerts",
        mixinStandardHelpOptions = true,
        version = "paper-alerts 0.1.0",
        description = "Email alerts for new research papers, on Kafka.",
        subcommands = {
            DemoCommand.class,
            IngestCommand.class,
            StreamsCommand.class,
            NotifierCommand.class,
            MatchCommand.class,
            SubscriptionCommands.Subscribe.class,
            SubscriptionCommands.ListSubscriptions.class,
            SubscriptionCommands.Unsubscribe.class,
            ForgetCommand.class,
            BackfillCommand.class,
            ReplayCommand.class,
            StatusCommand.class,
            ProbeCommand.class,
            TopicsCommand.class,
            AclsCommand.class,
            BrokerCommand.class,
            SmtpCommand.class,
            ConfigCommand.class
        })
public final class PaperAlertsCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PaperAlertsCommand());
        // A usage mistake: its one useful line and where the help is, not the whole usage text.
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("Error: " + e.getMessage());
            command.getErr().println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        // A bad configuration value is the user's mistake: say what and where, without a stack trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("Configuration error: " + e.getMessage());
                return 2;
            }
            // Kafka refusing who we are or what we may do: one line naming the cause.
            KafkaProblem problem = KafkaProblem.explain(e, null);
            if (problem != null) {
                cmd.getErr().println("Error: " + problem.getMessage());
                return 1;
            }
            // A Kafka client that could not even be made (e.g. SASL without a login configured).
            if (e instanceof KafkaException) {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                cmd.getErr().println("Error: " + e.getMessage() + (root == e ? "" : ": " + root.getMessage()));
                return 1;
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
