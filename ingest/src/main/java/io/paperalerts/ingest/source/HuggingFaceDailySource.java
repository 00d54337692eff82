package io.paperalerts.ingest.source;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The Hugging Face Daily Papers API ({@code huggingface.co/api/daily_papers}). */
public record HuggingFaceDailySource(String url, Duration interval) implements PaperSource {

    @Override
    public String name() {
        return "hf-daily";
    }

    @Override
    public List<Fetched> fetch(HttpFetcher http, Predicate<String> seen) throws IOException, InterruptedException {
        return List.of(Fetched.parse(url, http.get(URI.create(url)).body(), name()));
    }
}
