package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void shouldDocumentEveryConfigurationKeyExactlyAsTheCodeDeclaresIt() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));

        assertThat(readme)
                .as("README's configuration section is out of date: paste the output of ./paper-alerts config")
                .contains(ConfigCommand.markdown());
    }

    @Test
    void shouldStartWithTheTwoQuickStartCommandsAndTestInCiWithTheSameOne() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String quickStart =
                readme.substring(readme.indexOf("## Quick start"), readme.indexOf("`./paper-alerts` builds"));

        assertThat(quickStart).contains("./paper-alerts demo", "./mvnw verify");
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("./mvnw").contains("verify");
    }
}
