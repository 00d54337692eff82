package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.IngestService;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.ingest.source.PaperSource;
import io.paperalerts.ingest.source.SourceScheduler;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.schemas.Paper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Publishes papers from files (or standard input) to an existing cluster. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Publish papers from saved files (--file), or poll the configured sources (once, run).",
        subcommands = {IngestCommand.Once.class, IngestCommand.Run.class})
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Option(
            names = "--file",
            paramLabel = "FILE",
            description = "Saved papers (JSON Lines, arXiv Atom or RSS, Hugging Face daily papers JSON), "
                    + "'-' for standard input (repeatable)")
    List<String> files;

    @Option(
            names = "--sample",
            description = "Publish the bundled sample of 42 real papers (arXiv, Hugging Face), "
                    + "dated as if their sources had been polled yesterday")
    boolean sample;

    IngestConfig config() {
        IngestConfig config = new IngestConfig(service.resolve(IngestConfig.DEFINITION, Map.of()));
        KafkaStartup.prepare(
                KafkaClients.of(config), ServiceAccess.ingest(), config.getShort(CommonConfig.REPLICATION_FACTOR));
        return config;
    }

    /** Polls every configured source once (or one of them) and prints what each gave. */
    @Command(name = "once", mixinStandardHelpOptions = true, description = "Poll the configured sources once and exit.")
    static final class Once implements Callable<Integer> {
        @ParentCommand
        IngestCommand parent;

        @Option(
                names = "--source",
                paramLabel = "NAME",
                description = "Only this source (arxiv-api, arxiv-rss, hf-daily)")
        String source;

        @Override
        public Integer call() throws Exception {
            IngestConfig config = parent.config();
            try (PaperPublisher publisher = new PaperPublisher(config);
                    SourceScheduler scheduler = new SourceScheduler(config, publisher)) {
                boolean ok = scheduler.pollOnce(source);
                for (PaperSource s : scheduler.sources()) {
                    if (source == null || source.equals(s.name())) {
                        var metrics = scheduler.metrics(s.name());
                        parent.spec.commandLine().getOut().printf("%s: %s%n", s.name(), metrics);
                        if (metrics.lastFailure != null) {
                            parent.spec
                                    .commandLine()
                                    .getErr()
                                    .printf("Error: source %s failed: %s%n", s.name(), metrics.lastFailure);
                        }
                    }
                }
                return ok ? 0 : 1;
            }
        }
    }

    /** Polls every configured source at its own interval until stopped. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Poll the configured sources until stopped.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        IngestCommand parent;

        @Override
        public Integer call() throws Exception {
            IngestService ingest = new IngestService(parent.config()).start();
            ingest.died()
                    .thenAccept(e -> parent.spec
                            .commandLine()
                            .getErr()
                            .println("Error: polling stopped: " + (e instanceof KafkaProblem ? e.getMessage() : e)));
            parent.spec.commandLine().getOut().printf("ingest ready: %s%n", ingest.describe());
            parent.spec.commandLine().getOut().flush();
            // A failed poll is retried at the source's next turn; polling that died is an exit.
            return UntilStopped.await("ingest", ingest.died(), ingest::close);
        }
    }

    @Override
    public Integer call() throws Exception {
        if ((files == null || files.isEmpty()) && !sample) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give --file FILE to publish saved papers, --sample for "
                            + "the bundled sample, or use 'ingest once' or 'ingest run' to poll sources");
        }
        IngestConfig config = config();
        PrintWriter console = spec.commandLine().getOut();
        try (PaperPublisher publisher = new PaperPublisher(config)) {
            if (sample) {
                List<Paper> papers =
                        DemoSample.papers(LocalDate.now(ZoneOffset.UTC).minusDays(1));
                papers.forEach(publisher::publish);
                publisher.flush();
                console.printf("sample: %d papers published%n", papers.size());
            }
            if (files == null) {
                return 0;
            }
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
                console.printf(
                        "%s: %d papers published, %d rejected%n",
                        report.source(), report.published(), report.rejected());
            }
        }
        // Rejected lines were reported and dead-lettered; the rest was published, which is success.
        return 0;
    }
}
