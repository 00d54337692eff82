package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Creates the catalogue's missing topics on an existing cluster and lists them. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create the topics paper-alerts needs, where missing, and list them.")
final class TopicsCommand implements Callable<Integer> {

    static final ConfigDef DEFINITION = CommonConfig.define(new ConfigDef());

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Override
    public Integer call() {
        var config = new AbstractConfig(DEFINITION, service.resolve(DEFINITION, Map.of()));
        PrintWriter console = spec.commandLine().getOut();
        try (Admin admin = ServiceOptions.clients(config).admin()) {
            Set<String> created =
                    TopicProvisioner.createMissing(admin, Topics.ALL, config.getShort(CommonConfig.REPLICATION_FACTOR));
            for (Topic<?, ?> topic : Topics.ALL) {
                console.printf(
                        "%-28s %2d partitions  %-8s %s%n",
                        topic.name(),
                        topic.partitions(),
                        topic.compacted() ? "compact" : "delete",
                        created.contains(topic.name()) ? "(created)" : "");
            }
        }
        return 0;
    }
}
