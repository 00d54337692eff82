package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.testing.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command pointed at an address where nothing listens, as a user mistypes one: it exits
 * non-zero within seconds with a line or two naming the address, never a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnreachableAddressTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameTheAddressInAFewLinesWhenNothingListensThere() throws Exception {
        // Given a broker address and an API address where nothing listens
        List<List<String>> commands = List.of(
                List.of("status", "--bootstrap-servers", "localhost:1"),
                List.of("subscribe", "--api", "http://localhost:1", "--email", "a@example.org", "--query", "grpo"),
                List.of("status", "--bootstrap-servers", "localhost"));

        // When each runs in a process of its own, as from a shell
        List<JavaProcess> runs = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            runs.add(new JavaProcess(
                            "run-" + i,
                            dir.resolve("run-" + i + ".log"),
                            List.of(),
                            PaperAlertsCommand.class.getName(),
                            commands.get(i))
                    .start());
        }

        // Then each exits non-zero within 15 s, in at most 3 lines that name the address
        for (int i = 0; i < runs.size(); i++) {
            JavaProcess run = runs.get(i);
            await().atMost(Duration.ofSeconds(15).minus(Duration.between(run.startedAt(), Instant.now())))
                    .until(() -> run.exitCode() != null);
            List<String> lines = Files.readAllLines(dir.resolve("run-" + i + ".log"), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith("=== start") && !line.isBlank())
                    .toList();
            assertThat(run.exitCode()).as(String.join("\n", lines)).isNotZero();
            assertThat(lines)
                    .as(commands.get(i).toString())
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(3)
                    .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception:"));
            assertThat(String.join("\n", lines)).contains("localhost");
        }
        assertThat(String.join("\n", Files.readAllLines(dir.resolve("run-0.log"))))
                .contains(
                        "Error: Cannot reach Kafka at localhost:1 over PLAINTEXT: nothing accepts connections at localhost:1");
        assertThat(String.join("\n", Files.readAllLines(dir.resolve("run-1.log"))))
                .contains("Error: cannot reach the paper-alerts API at http://localhost:1");
        assertThat(String.join("\n", Files.readAllLines(dir.resolve("run-2.log"))))
                .contains("bootstrap.servers", "localhost", "host:port");
    }
}
