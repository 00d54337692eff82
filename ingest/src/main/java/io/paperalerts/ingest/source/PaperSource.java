package io.paperalerts.ingest.source;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A place papers are polled from. */
public interface PaperSource {

    String name();

    Duration interval();

    /**
     * Fetches what the source offers now, as raw responses to parse.
     *
     * @param seen whether a paper key ({@code id vN}) was already published by this source, so a
     *     paged source can stop early
     */
    List<Fetched> fetch(HttpFetcher http, Predicate<String> seen) throws IOException, InterruptedException;

    /** One response and where it came from. */
    record Fetched(String url, byte[] body) {
    }
}
