package io.paperalerts.ingest.source;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** arXiv's daily new-submissions feed for some categories ({@code rss.arxiv.org/rss/cs.LG+cs.AI}). */
public record ArxivRssSource(String baseUrl, List<String> categories, Duration interval) implements PaperSource {

    @Override
    public String name() {
        return "arxiv-rss";
    }

    @Override
    public List<Fetched> fetch(HttpFetcher http, Predicate<String> seen) throws IOException, InterruptedException {
        String url = baseUrl + "/" + String.join("+", categories);
        return List.of(Fetched.parse(url, http.get(URI.create(url)).body(), name()));
    }
}
