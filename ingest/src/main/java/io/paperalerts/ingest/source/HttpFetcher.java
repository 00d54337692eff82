package io.paperalerts.ingest.source;

import io.paperalerts.ingest.IngestFailurePolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    private final IngestFailurePolicy policy;
    private final Map<String, Duration> minIntervalByHost;
    private final Map<String, Instant> lastRequest = new ConcurrentHashMap<>();

    public HttpFetcher(
            Duration timeout, String userAgent, IngestFailurePolicy policy, Map<String, Duration> minIntervalByHost) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.policy = policy;
        this.minIntervalByHost = Map.copyOf(minIntervalByHost);
    }

    public Response get(URI uri) throws IOException, InterruptedException {
        for (int failures = 1; ; failures++) {
            waitForTurn(uri.getHost());
            String failure;
            String retryAfter = null;
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
                IngestFailurePolicy.HttpVerdict verdict = IngestFailurePolicy.ofStatus(status);
                if (verdict == IngestFailurePolicy.HttpVerdict.SUCCESS) {
                    return new Response(status, response.body());
                }
                if (verdict == IngestFailurePolicy.HttpVerdict.FAIL) {
                    throw new StatusException(uri, status, response.body());
                }
                failure = "HTTP " + status;
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            } catch (StatusException e) {
                throw e;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } finally {
                // Counted from the end of a request: slow responses do not shorten the pause.
                lastRequest.put(uri.getHost(), Instant.now());
            }
            if (!policy.mayRetry(failures)) {
                throw new IOException("GET " + uri + " failed after " + failures + " attempts: " + failure);
            }
            Thread.sleep(policy.waitBefore(failures, retryAfter).toMillis());
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
}
