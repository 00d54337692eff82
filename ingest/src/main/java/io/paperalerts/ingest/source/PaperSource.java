package io.paperalerts.ingest.source;

import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.format.PaperFormats;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A place papers are polled from. */
public interface PaperSource {

    String name();

    Duration interval();

    /**
     * Fetches what the source offers now, each response read as papers.
     *
     * @param seen whether a paper key ({@code id vN}) was already published by this source, so a
     *     paged source can stop early
     */
    List<Fetched> fetch(HttpFetcher http, Predicate<String> seen) throws IOException, InterruptedException;

    /** One response, where it came from, and the papers it held. */
    record Fetched(String url, List<PaperEntry> entries) {

        static Fetched parse(String url, byte[] body, String source) {
            return new Fetched(url, PaperFormats.read(body, source));
        }
    }
}
