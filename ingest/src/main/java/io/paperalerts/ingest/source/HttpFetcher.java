package io.paperalerts.ingest.source;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Polite HTTP GETs: connect and read timeouts, a descriptive User-Agent, a minimum pause
 * between the end of one request to a host and the start of the next (arXiv asks for 3 s), and retries with exponential backoff and
 * jitter on 5xx, 429 and I/O errors, honouring {@code Retry-After}. Any other answer but 2xx fails
 * at once: a source that answers 404 is broken, not empty.
 */
public final class HttpFetcher {

    /** A successful (2xx) response. */
    public record Response(int status, byte[] body) {}

    /** An answer other than 2xx that retrying will not change (4xx but 429): the poll fails, saying why. */
    public static final class StatusException extends IOException {
        private final int status;

        StatusException(URI uri, int status, byte[] body) {
            super("GET " + uri + " answered HTTP " + status + explanation(body));
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** The start of the body, on one line: arXiv's 400 is an Atom feed naming the mistake. */
        private static String explanation(byte[] body) {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ")
                    .replaceAll("\\p{Cntrl}", "")
                    .strip();
            return text.isEmpty() ? "" : ": " + text;
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final String userAgent;
    private final int retries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Map<String, Duration> minIntervalByHost;
    private final Map<String, Instant> lastRequest = new ConcurrentHashMap<>();

    public HttpFetcher(
            Duration timeout,
            String userAgent,
            int retries,
            Duration initialBackoff,
            Duration maxBackoff,
            Map<String, Duration> minIntervalByHost) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.retries = retries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.minIntervalByHost = Map.copyOf(minIntervalByHost);
    }

    public Response get(URI uri) throws IOException, InterruptedException {
        Duration backoff = initialBackoff;
        for (int attempt = 0; ; attempt++) {
            waitForTurn(uri.getHost());
            Duration wait;
            String failure;
            try {
                HttpResponse<byte[]> response = client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(timeout)
                                .header("User-Agent", userAgent)
                                .header("Accept-Encoding", "identity")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Response(status, response.body());
                }
                if (status < 500 && status != 429) {
                    throw new StatusException(uri, status, response.body());
                }
                failure = "HTTP " + status;
                wait = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
            } catch (StatusException e) {
                throw e;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                wait = null;
            } finally {
                // Counted from the end of a request: slow responses do not shorten the pause.
                lastRequest.put(uri.getHost(), Instant.now());
            }
            if (attempt >= retries) {
                throw new IOException("GET " + uri + " failed after " + (attempt + 1) + " attempts: " + failure);
            }
            if (wait == null) {
                long jittered =
                        backoff.toMillis() / 2 + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
                wait = Duration.ofMillis(jittered);
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
            Thread.sleep(Math.min(wait.toMillis(), maxBackoff.toMillis()));
        }
    }

    private void waitForTurn(String host) throws InterruptedException {
        Duration interval = minIntervalByHost.get(host);
        if (interval != null) {
            Instant last = lastRequest.get(host);
            if (last != null) {
                long remaining =
                        Duration.between(Instant.now(), last.plus(interval)).toMillis();
                if (remaining > 0) {
                    Thread.sleep(remaining);
                }
            }
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date; {@code null} if absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Duration.between(Instant.now(), at).isNegative()
                        ? Duration.ZERO
                        : Duration.between(Instant.now(), at);
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
