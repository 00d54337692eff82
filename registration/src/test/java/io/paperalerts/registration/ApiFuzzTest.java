package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The JSON API on random and hostile input (random bytes, invalid UTF-8, every Unicode category,
 * huge and deeply nested JSON, random field values), through the real server, broker and SMTP
 * server: never a 5xx, never a hang, always a JSON answer; a refusal is a 4xx with a reason, and
 * a 400 names the field.
 *
 * <p>The seeds are fixed so that the build is repeatable; to explore further, raise the tries and
 * drop the seed for a run.
 */
class ApiFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RealKafka kafka = new RealKafka();
    private static final RealSmtp smtp = new RealSmtp();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static RegistrationHarness system;
    private static Path stateDir;

    @BeforeContainer
    static void start() throws Exception {
        // jqwik runs outside JUnit Jupiter's extensions: the broker and SMTP server are started by hand.
        kafka.beforeAll(null);
        smtp.beforeAll(null);
        stateDir = Files.createTempDirectory("api-fuzz-");
        system = new RegistrationHarness(kafka, smtp, stateDir, Map.of());
    }

    @AfterContainer
    static void stop() throws Exception {
        system.close();
        smtp.afterAll(null);
        kafka.afterAll(null);
    }

    private static HttpResponse<String> post(String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(system.url(path)))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnsweredWell(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode())
                .as(response.body())
                .isLessThan(500)
                .isIn(200, 202, 400, 403, 404, 413, 415, 429);
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() >= 400) {
            assertThat(body.get("status").asInt()).isEqualTo(response.statusCode());
            assertThat(body.get("reason").asText()).isNotBlank();
            if (response.statusCode() == 400) {
                assertThat(body.hasNonNull("field")).as(response.body()).isTrue();
            }
        }
    }

    @Property(tries = 150, seed = "20261202")
    void shouldAnswerRandomBytesWithA4xx(@ForAll @Size(max = 2_000) byte[] body) throws Exception {
        assertAnsweredWell(post("/api/subscriptions", body));
    }

    @Property(tries = 150, seed = "20261202")
    void shouldAnswerRandomFieldValues(@ForAll("registrations") String body) throws Exception {
        assertAnsweredWell(post("/api/subscriptions", body.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 100, seed = "20261202")
    void shouldAnswerAnyPreviewQuery(@ForAll @StringLength(max = 500) String query) throws Exception {
        assertAnsweredWell(http.send(
                HttpRequest.newBuilder(URI.create(
                                system.url("/api/preview?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))))
                        .timeout(Duration.ofSeconds(15))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Property(tries = 20, seed = "20261202")
    void shouldAnswerHugeAndDeeplyNestedJson(@ForAll("hostileJson") String body) throws Exception {
        assertAnsweredWell(post("/api/subscriptions", body.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> registrations() {
        Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(200);
        Arbitrary<Object> value = Arbitraries.oneOf(
                anyText.map(t -> (Object) t),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.just(null),
                Arbitraries.of(true, false).map(b -> (Object) b));
        Arbitrary<String> email = Arbitraries.oneOf(
                anyText,
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(local -> local + "@example.org"));
        return net.jqwik.api.Combinators.combine(email, anyText, value, value, value)
                .as((e, q, d, t, b) -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("email", e);
                    body.put("query", q);
                    body.put("delivery", d);
                    body.put("timezone", t);
                    body.put("backfillDays", b);
                    try {
                        return JSON.writeValueAsString(body);
                    } catch (Exception failed) {
                        throw new IllegalStateException(failed);
                    }
                });
    }

    @Provide
    Arbitrary<String> hostileJson() {
        Arbitrary<Integer> n = Arbitraries.integers().between(1_000, 50_000);
        return Arbitraries.oneOf(
                n.map(d -> "[".repeat(d) + "]".repeat(d)),
                n.map(d -> "{\"a\":".repeat(d) + "1" + "}".repeat(d)),
                n.map(d -> "{\"email\":\"x@example.org\",\"query\":\"" + "(".repeat(d) + "\"}"),
                n.map(d -> "{\"email\":\"x@example.org\",\"query\":\"" + "\\u202e".repeat(d / 6) + "\"}"),
                n.map(d -> "\"" + "\\".repeat(d) + "\""));
    }
}
