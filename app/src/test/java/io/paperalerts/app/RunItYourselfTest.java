package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "run it yourself" commands, run by bash as they are written (only {@code ./paper-alerts}
 * is this build's command line, and the services keep their state in a folder of the test), get a
 * registration's confirmation email into the SMTP catcher.
 */
class RunItYourselfTest {

    private static final String MARKER = "<!-- run-it-yourself";

    @TempDir
    Path dir;

    static String commands() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```sh\n", readme.indexOf(MARKER)) + "```sh\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    @Timeout(240)
    void shouldCatchAConfirmationEmailWhenTheReadmeCommandsAreRunAsTheyAre() throws Exception {
        // Given the README's commands, and ./paper-alerts being this build
        String commands = commands();
        assertThat(commands).contains("./paper-alerts broker &", "./paper-alerts ingest --sample");
        Path command = dir.resolve("paper-alerts");
        Files.writeString(
                command,
                "#!/usr/bin/env bash\nexec java -cp '" + System.getProperty("java.class.path") + "' "
                        + PaperAlertsCommand.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = dir.resolve("shell.log");

        // When they run in one shell (which then waits for its background services)
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", commands + "\nwait")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        shell.environment()
                .putAll(Map.of(
                        "PAPER_ALERTS_STREAMS_STATE_DIR",
                                dir.resolve("streams-state").toString(),
                        "PAPER_ALERTS_NOTIFIER_STATE_DIR",
                                dir.resolve("notifier-state").toString()));
        Process process = shell.start();
        try {
            await("the sample ingested")
                    .atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !process.isAlive())
                    .until(() -> Files.readString(log).contains("sample: 42 papers published"));
            // And someone subscribes through the web page's API
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest register = HttpRequest.newBuilder(URI.create("http://localhost:8080/api/subscriptions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"me@example.org\",\"query\":\"agent*\"}"))
                    .build();
            await("the web pages")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> http.send(register, HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 202);

            // Then the SMTP catcher has the confirmation email, and prints its link
            Path caught = dir.resolve("mail-out").resolve("001.eml");
            await("the confirmation email")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(caught) && Files.readString(log).contains("/confirm?token="));
            assertThat(Files.readString(caught, StandardCharsets.ISO_8859_1))
                    .contains("To: me@example.org")
                    .contains("Confirm");
            assertThat(Files.readString(log)).contains("streams ready:", "notifier ready:", "smtp ready:");
        } finally {
            // Killed as a supervisor's SIGKILL would: what they hold is in the test's folder, and a
            // clean close of each (Kafka Streams leaving its group, the broker's shutdown) takes seconds.
            List<ProcessHandle> started = process.toHandle().descendants().toList();
            started.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle service : started) {
                service.onExit().get(30, TimeUnit.SECONDS);
            }
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<ProcessHandle> left = process.toHandle().descendants()) {
            assertThat(left).isEmpty();
        }
    }
}
