package io.paperalerts.registration;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.paperalerts.queries.MatchArchive;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an archive request with what the instance that holds the archive answers to the same
 * request: the same path, query and conditional header, so it checks the secret and renders
 * itself, and nothing new is exposed. A request forwarded once is never forwarded again: an
 * instance that gets one for an archive it does not hold (the partitions just moved) says so with
 * 503, and the reader tries again.
 */
final class ArchiveForwarding {

    static final String FORWARDED = "X-Paper-Alerts-Forwarded";
    private static final Logger log = LoggerFactory.getLogger(ArchiveForwarding.class);
    private static final List<String> RELAYED = List.of("Content-Type", "ETag", "Cache-Control", "Retry-After");

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    void forward(Context ctx, MatchArchive.Elsewhere owner) {
        if (ctx.header(FORWARDED) != null) {
            unavailable(ctx, "forwarded here, but this instance does not hold it either");
            return;
        }
        String target = "http://" + owner.host() + ":" + owner.port() + ctx.path()
                + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target))
                .timeout(Duration.ofSeconds(10))
                .header(FORWARDED, "1")
                .GET();
        if (ctx.header("If-None-Match") != null) {
            request.header("If-None-Match", ctx.header("If-None-Match"));
        }
        try {
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            ctx.status(answer.statusCode());
            for (String header : RELAYED) {
                answer.headers().firstValue(header).ifPresent(value -> ctx.header(header, value));
            }
            ctx.result(answer.body());
        } catch (IOException e) {
            log.warn("Cannot forward {} to {}:{}: {}", ctx.path(), owner.host(), owner.port(), e.toString());
            unavailable(ctx, "the instance that holds it does not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(ctx, "interrupted");
        }
    }

    /** 503 with a hint to retry: during a rebalance the archive is back within seconds. */
    static void unavailable(Context ctx, String reason) {
        ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "5")
                .html(Pages.message(
                        "Try again shortly",
                        "The archive cannot be read this instant (" + reason + "); please try again in a few seconds.",
                        false));
    }
}
