package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration under load, with its default limits: a flood of registrations from many clients
 * delays a newcomer by a minute at most; and the recent papers' JSON (the front page's) with 2,000
 * papers in memory is computed once per change and served from memory with an ETag, with the
 * control and bidirectional characters that pages and emails strip stripped here too.
 */
class RegistrationUnderLoadTest {

    private static final int PAPERS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path stateDir;

    private static RegistrationHarness system;

    @BeforeAll
    static void start() throws Exception {
        // The default per-client limit (the harness raises it for tests that register a lot)
        system = new RegistrationHarness(kafka, smtp, stateDir, Map.of(RegistrationConfig.MAX_PER_CLIENT, 30));
        // 2,000 papers, all listed today with upvotes, then one with a hostile title: the newest
        try (var producer = KafkaClients.of(kafka.bootstrapServers())
                .producer(
                        Map.of(ProducerConfig.LINGER_MS_CONFIG, 20),
                        Topics.PAPERS.keySerde().serializer(),
                        Topics.PAPERS.valueSerde().serializer())) {
            for (int i = 0; i < PAPERS - 1; i++) {
                Paper paper = Paper.newBuilder()
                        .setId("recent-" + i)
                        .setTitle("Paper " + i)
                        .setAbstractText("")
                        .setAuthors(List.of("Ada Lovelace"))
                        .setUpvotes(i % 50)
                        .setListedOn(LocalDate.now(ZoneOffset.UTC))
                        .setSource("test")
                        .build();
                producer.send(new ProducerRecord<>(Topics.PAPERS.name(), paper.getId(), paper));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> system.server.recentPapers() == PAPERS - 1);
        system.publish(Paper.newBuilder()
                .setId("recent-hostile")
                .setTitle(HOSTILE_TITLE)
                .setAbstractText("")
                .setAuthors(List.of("Ada Lovelace"))
                .setSource("test")
                .build());
        await().atMost(Duration.ofSeconds(30)).until(() -> system.server.recentPapers() == PAPERS);
    }

    private static final String HOSTILE_TITLE = "Reversed\u202Egnirts\u202C with a NUL\u0000 and a\nbreak";

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void shouldServeTheRecentPapersFromMemoryUntilAPaperArrivesAndAnswer304ToARevalidation() throws Exception {
        // Given the answer once
        HttpResponse<String> first = system.get("/api/papers");
        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();

        // When it is asked again, with and without the tag
        HttpResponse<String> again = system.get("/api/papers");
        HttpResponse<String> revalidated = system.send("GET", "/api/papers", null, null, Map.of("If-None-Match", etag));

        // Then it is the same answer, and a client that has it gets 304 without a body
        assertThat(again.headers().firstValue("ETag")).contains(etag);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();

        // And how long an answer takes once it is in memory, beside a static asset's (printed, not
        // asserted: machines differ; the HTTP round trip in this busy JVM is most of it)
        System.out.printf(
                "GET /api/papers with %d recent papers: median %.2f ms over 50 calls after the first "
                        + "(a static asset: %.2f ms)%n",
                PAPERS, medianMillis("/api/papers"), medianMillis("/assets/pages.css"));

        // When a paper arrives, the answer changes with it
        system.publish(RegistrationHarness.paper("recent-late", "A late paper"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !system.get("/api/papers")
                        .headers()
                        .firstValue("ETag")
                        .orElseThrow()
                        .equals(etag));
        assertThat(system.get("/api/papers").body()).contains("A late paper");
    }

    @Test
    void shouldStripControlAndBidiCharactersFromTheJsonAsPagesDo() throws Exception {
        // When the papers and a preview that finds the hostile one are asked for
        for (String path : List.of("/api/papers", "/api/preview?query=break")) {
            HttpResponse<String> response = system.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());

            // Then its title arrives on one line with neither the override nor the NUL
            List<String> titles =
                    body.findValues("title").stream().map(JsonNode::asText).toList();
            assertThat(titles).as(path).contains("Reversedgnirts with a NUL and a break");
            assertThat(titles)
                    .as(path)
                    .allSatisfy(title -> assertThat(title).doesNotContain("\u202E", "\u202C", "\u0000", "\n"));
        }
    }

    @Test
    void shouldLetANewcomerRegisterWithinAMinuteAfterFiftyClientsFlooded() throws Exception {
        // Given 50 clients, each registering new addresses as fast as it may
        List<HttpResponse<String>> refused = new ArrayList<>();
        int accepted = 0;
        for (int client = 1; client <= 50; client++) {
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response =
                        register("flood-" + client + "-" + i + "@example.org", "198.51.100." + client);
                if (response.statusCode() == 202) {
                    accepted++;
                } else {
                    refused.add(response);
                }
            }
        }
        // (the flood did fill the overall budget: the check below is not vacuous)
        assertThat(accepted).isLessThan(200);
        assertThat(refused).isNotEmpty().allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.body()).contains("too many registrations right now");
        });

        // When someone new registers from another client
        HttpResponse<String> newcomer = register("newcomer@example.org", "203.0.113.7");

        // Then it is accepted, or told to retry within a minute, not an hour
        if (newcomer.statusCode() != 202) {
            assertThat(newcomer.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(
                            newcomer.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 60L);
        }
    }

    private static double medianMillis(String path) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long started = System.nanoTime();
            assertThat(system.get(path).statusCode()).isEqualTo(200);
            micros.add((System.nanoTime() - started) / 1_000);
        }
        micros.sort(null);
        return micros.get(micros.size() / 2) / 1000.0;
    }

    private static HttpResponse<String> register(String email, String client) throws Exception {
        return system.send(
                "POST",
                "/api/subscriptions",
                "application/json",
                "{\"email\":\"" + email + "\",\"query\":\"grpo\"}",
                Map.of("X-Forwarded-For", client));
    }
}
