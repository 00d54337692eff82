package io.paperalerts.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * A health check for containers whose image has no curl: GET the URL, exit 0 on 2xx, 1 otherwise
 * (the answer's body, with the reason, goes to standard error).
 */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = "GET a health URL (e.g. http://localhost:8080/health/ready); exit 0 if it answers 2xx, else 1.")
final class ProbeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", description = "The URL to ask")
    URI url;

    @Override
    public Integer call() {
        try {
            HttpResponse<String> answer = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(3))
                    .build()
                    .send(
                            HttpRequest.newBuilder(url)
                                    .timeout(Duration.ofSeconds(8))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 == 2) {
                return 0;
            }
            System.err.println(answer.statusCode() + " " + answer.body());
            return 1;
        } catch (Exception e) {
            System.err.println(url + ": " + e);
            return 1;
        }
    }
}
