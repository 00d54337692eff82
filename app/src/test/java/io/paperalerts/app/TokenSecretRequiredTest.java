package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services that sign or check links refuse to start without the one shared secret, saying how to set it. */
class TokenSecretRequiredTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartTheStreamsServiceAndTheNotifierWithoutASecret() throws Exception {
        for (String service : new String[] {"streams", "notifier"}) {
            Cli run = Cli.run(service, "--bootstrap-servers", "127.0.0.1:9");

            assertThat(run.exitCode()).as(service).isEqualTo(2);
            assertThat(run.err())
                    .as(service)
                    .contains(
                            "mail.token.secret is not set",
                            "PAPER_ALERTS_MAIL_TOKEN_SECRET",
                            "openssl rand -base64 32");
        }
    }

    @Test
    void shouldRefuseASecretShorterThan16Bytes() throws Exception {
        Path config = dir.resolve("notifier.properties");
        Files.writeString(config, "mail.token.secret=short\n");

        Cli run = Cli.run("notifier", "--config", config.toString(), "--bootstrap-servers", "127.0.0.1:9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("mail.token.secret is shorter than 16 bytes");
    }
}
