package io.paperalerts.app;

import io.paperalerts.config.ConfigDocs;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.notifier.NotifierConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints every configuration key of every service, as the README shows them. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Print the configuration keys of each service (Markdown).")
final class ConfigCommand implements Callable<Integer> {

    /** Service name (as in docker-compose.yml) to its configuration. */
    static final Map<String, ConfigDef> SERVICES = services();

    @Spec
    CommandSpec spec;

    private static Map<String, ConfigDef> services() {
        Map<String, ConfigDef> services = new LinkedHashMap<>();
        services.put("ingest", IngestConfig.DEFINITION);
        services.put("streams", StreamsCommand.DEFINITION);
        services.put("notifier", NotifierConfig.DEFINITION);
        services.put("topics", TopicsCommand.DEFINITION);
        return services;
    }

    static String markdown() {
        StringBuilder out = new StringBuilder();
        SERVICES.forEach((name, definition) -> out.append("### ")
                .append(name)
                .append("\n\n")
                .append(ConfigDocs.markdownTable(definition))
                .append("\n"));
        return out.toString();
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(markdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
