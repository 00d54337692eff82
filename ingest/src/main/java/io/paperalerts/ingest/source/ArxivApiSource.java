package io.paperalerts.ingest.source;

import io.paperalerts.ingest.format.PaperEntry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The arXiv API ({@code export.arxiv.org/api/query}): a search query, newest submissions first,
 * page after page until a page is short or reaches papers already published, at most
 * {@code maxPages}.
 */
public record ArxivApiSource(String baseUrl, String query, int pageSize, int maxPages, Duration interval)
        implements PaperSource {

    @Override
    public String name() {
        return "arxiv-api";
    }

    @Override
    public List<Fetched> fetch(HttpFetcher http, Predicate<String> seen) throws IOException, InterruptedException {
        List<Fetched> pages = new ArrayList<>();
        for (int page = 0; page < maxPages; page++) {
            String url = baseUrl + "?search_query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                    + "&sortBy=submittedDate&sortOrder=descending&start=" + page * pageSize + "&max_results="
                    + pageSize;
            Fetched fetched = Fetched.parse(url, http.get(URI.create(url)).body(), name());
            pages.add(fetched);
            boolean reachedSeen = fetched.entries().stream()
                    .anyMatch(e -> e instanceof PaperEntry.Parsed p && seen.test(SourcePoller.key(p.paper())));
            if (fetched.entries().size() < pageSize || reachedSeen) {
                break;
            }
        }
        return pages;
    }
}
