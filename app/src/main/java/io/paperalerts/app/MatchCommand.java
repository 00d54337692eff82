package io.paperalerts.app;

import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.format.PaperFormats;
import io.paperalerts.matching.InvalidQueryException;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Tries a query on a file of papers with exactly the matcher the streams service runs. */
@Command(
        name = "match",
        mixinStandardHelpOptions = true,
        description = "Print the id of every paper in a file that a query matches, in file order.")
final class MatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--query",
            required = true,
            paramLabel = "QUERY",
            description = "A subscription query (see docs/using.md)")
    String query;

    @Option(
            names = "--papers",
            required = true,
            paramLabel = "FILE",
            description = "Saved papers: JSON Lines, arXiv API Atom, arXiv RSS or Hugging Face daily papers JSON")
    Path papers;

    @Option(names = "--explain", description = "Also print the matched words and a snippet")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(papers)) {
            throw new ParameterException(spec.commandLine(), "--papers: cannot read " + papers);
        }
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        try {
            matcher.update(
                    "query",
                    Subscription.newBuilder()
                            .setId("query")
                            .setEmail("you@localhost")
                            .setQuery(query)
                            .setDelivery(DeliveryMode.INSTANT)
                            .setStatus(SubscriptionStatus.ACTIVE)
                            .setCreated(Instant.now())
                            .build());
        } catch (InvalidQueryException e) {
            spec.commandLine()
                    .getErr()
                    .println("invalid query: " + e.getMessage().replaceFirst("^subscription query: ", ""));
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        Set<String> printed = new HashSet<>();
        for (PaperEntry entry : PaperFormats.read(Files.readAllBytes(papers), "file:" + papers.getFileName())) {
            if (entry instanceof PaperEntry.Rejected rejected) {
                spec.commandLine().getErr().println("skipped " + rejected.reason());
                continue;
            }
            Paper paper = ((PaperEntry.Parsed) entry).paper();
            for (SubscriptionMatcher.Match match : matcher.match(paper)) {
                if (!printed.add(paper.getId())) {
                    continue;
                }
                if (explain) {
                    out.printf(
                            "%s\tmatched: %s\t%s%n",
                            paper.getId(),
                            String.join(", ", match.explanation().matched()),
                            match.explanation().snippet());
                } else {
                    out.println(paper.getId());
                }
            }
        }
        out.flush();
        return 0;
    }
}
