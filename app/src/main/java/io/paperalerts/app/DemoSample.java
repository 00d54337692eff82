package io.paperalerts.app;

import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.format.PaperFormats;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The demo's papers and subscribers. The papers are real: responses of the arXiv API, an arXiv
 * RSS feed and Hugging Face's daily papers, recorded once and bundled (real ids, authors, links,
 * categories, upvotes). Each source is moved in time as if it had been polled on the day the demo
 * ranks, so that "yesterday's trending papers" and "the last 7 days" have content.
 */
final class DemoSample {

    static final List<String> SOURCES = List.of(
            "samples/hf-daily-papers.json",
            "samples/arxiv-api-query.atom.xml",
            "samples/arxiv-api-query-cs.CL-doi.atom.xml",
            "samples/arxiv-rss-cs.LG-cs.AI-cs.CL-stat.ML.xml");

    /** A sample subscription: instant, daily, or a daily ranking of the most upvoted papers. */
    record Subscriber(String email, String query, DeliveryMode delivery, Integer trendingTop) {}

    static final List<Subscriber> SUBSCRIBERS = List.of(
            new Subscriber("ada@example.org", "agent*", DeliveryMode.INSTANT, null),
            new Subscriber("ada@example.org", "title:(diffusion OR \"image generation\")", DeliveryMode.INSTANT, null),
            new Subscriber("grace@example.org", "reasoning OR distillation", DeliveryMode.DAILY, null),
            new Subscriber("alan@example.org", "", DeliveryMode.DAILY, 5));

    private DemoSample() {}

    /** @param day the day every source's newest paper is moved to (listed on, or published) */
    static List<Paper> papers(LocalDate day) {
        List<Paper> all = new ArrayList<>();
        for (String source : SOURCES) {
            List<Paper> papers = new ArrayList<>();
            try (InputStream in = Objects.requireNonNull(DemoSample.class.getResourceAsStream(source), source)) {
                for (PaperEntry entry : PaperFormats.read(in.readAllBytes(), "sample:" + source.substring(8))) {
                    if (entry instanceof PaperEntry.Parsed parsed) {
                        papers.add(parsed.paper());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the bundled sample " + source, e);
            }
            LocalDate newest = papers.stream()
                    .map(DemoSample::day)
                    .filter(Objects::nonNull)
                    .max(LocalDate::compareTo)
                    .orElse(day);
            Duration shift = Duration.ofDays(day.toEpochDay() - newest.toEpochDay());
            papers.forEach(paper -> all.add(moved(paper, shift)));
        }
        return all;
    }

    /** The day a paper belongs to: the day a daily list carried it, else its publication day. */
    private static LocalDate day(Paper paper) {
        if (paper.getListedOn() != null) {
            return paper.getListedOn();
        }
        return paper.getPublished() == null
                ? null
                : paper.getPublished().atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static Paper moved(Paper paper, Duration shift) {
        Paper moved = Paper.newBuilder(paper).build();
        moved.setPublished(plus(paper.getPublished(), shift));
        moved.setUpdated(plus(paper.getUpdated(), shift));
        if (paper.getListedOn() != null) {
            moved.setListedOn(paper.getListedOn().plusDays(shift.toDays()));
        }
        return moved;
    }

    private static Instant plus(Instant at, Duration shift) {
        return at == null ? null : at.plus(shift);
    }

    /** Subscriptions given as {@code EMAIL=QUERY}, each instant. */
    static List<Subscriber> parse(List<String> values) {
        List<Subscriber> parsed = new ArrayList<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            String email = eq < 0 ? "" : value.substring(0, eq).strip();
            String query = eq < 0 ? "" : value.substring(eq + 1).strip();
            if (!email.matches("[^@\\s]+@[^@\\s]+") || query.isEmpty()) {
                throw new IllegalArgumentException(
                        "expected EMAIL=QUERY, e.g. me@example.org='reward hacking', got '" + value + "'");
            }
            parsed.add(new Subscriber(email, query, DeliveryMode.INSTANT, null));
        }
        return parsed;
    }
}
