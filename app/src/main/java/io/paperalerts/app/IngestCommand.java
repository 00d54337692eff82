package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Publishes papers from files (or standard input) to an existing cluster. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Publish papers from JSONL files to the papers topic.")
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Option(names = "--file", paramLabel = "FILE", required = true,
            description = "JSONL file of papers, '-' for standard input (repeatable)")
    List<String> files;

    @Override
    public Integer call() throws Exception {
        IngestConfig config = new IngestConfig(service.resolve(IngestConfig.DEFINITION, Map.of()));
        PrintWriter console = spec.commandLine().getOut();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getList(CommonConfig.BOOTSTRAP_SERVERS)))) {
            TopicProvisioner.createMissing(admin, Topics.ALL, config.getShort(CommonConfig.REPLICATION_FACTOR));
        }
        try (PaperPublisher publisher = new PaperPublisher(config)) {
            FileIngestor ingestor = new FileIngestor(publisher);
            for (String file : files) {
                FileIngestor.Report report;
                if (file.equals("-")) {
                    report = ingestor.ingest(System.in, "stdin");
                } else if (!Files.isReadable(Path.of(file))) {
                    throw new ParameterException(spec.commandLine(), "--file: cannot read " + file);
                } else {
                    report = ingestor.ingest(Path.of(file));
                }
                report.rejections().forEach(r -> spec.commandLine().getErr().println("rejected " + r));
                console.printf("%s: %d papers published, %d rejected%n", report.source(), report.published(),
                        report.rejected());
            }
        }
        // Rejected lines were reported and dead-lettered; the rest was published, which is success.
        return 0;
    }
}
