package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AclsCommandTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void shouldPrintOneKafkaAclsCommandPerResourceWithOnlyWhatTheServiceNeeds() {
        // When the ACLs of ingest alone are asked for
        Cli cli = Cli.run("acls", "--bootstrap-servers", "kafka-1:9093", "--ingest", "User:ingest");

        // Then ingest may write papers, what is not a paper, and its checkpoints, and nothing else
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        String prefix = "kafka-acls.sh --bootstrap-server kafka-1:9093 --command-config admin.properties --add "
                + "--allow-principal User:ingest ";
        assertThat(cli.out().lines())
                .containsExactly(
                        prefix + "--operation Write --topic papers",
                        prefix + "--operation Write --topic papers.rejected",
                        prefix + "--operation Read --operation Write --topic ingest.checkpoints");
    }

    @Test
    void shouldNameTheStreamsGroupAndItsInternalTopicsByTheConfiguredApplicationId() {
        Cli cli = Cli.run("acls", "--streams", "User:streams");
        Cli renamed = withApplicationId("alerts-eu");

        assertThat(cli.out())
                .contains(
                        "--operation Read --group paper-alerts-streams\n",
                        "--operation Write --transactional-id paper-alerts-streams --resource-pattern-type prefixed");
        assertThat(renamed.out())
                .contains("--operation Read --group alerts-eu\n", "--topic alerts-eu --resource-pattern-type prefixed")
                .doesNotContain("paper-alerts-streams");
    }

    private static Cli withApplicationId(String id) {
        try {
            Path config = Files.createTempFile("streams", ".properties");
            Files.writeString(config, "streams.application.id=" + id + "\n");
            return Cli.run("acls", "--config", config.toString(), "--streams", "User:streams");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldRefuseAPrincipalWithoutItsType() {
        Cli cli = Cli.run("acls", "--notifier", "notifier");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("--notifier: expected TYPE:NAME, e.g. User:notifier, not 'notifier'");
    }

    @Test
    void shouldDocumentEachServicesAclsAsTheCommandPrintsThem() throws Exception {
        String security = Files.readString(ROOT.resolve("docs/security.md"));

        assertThat(security)
                .as("docs/security.md is out of date: paste ./paper-alerts acls --markdown")
                .contains(Cli.run("acls", "--markdown").out());
        assertThat(security)
                .contains(Cli.run(
                                "acls",
                                "--bootstrap-servers",
                                "kafka:9092",
                                "--ingest",
                                "User:ingest",
                                "--streams",
                                "User:streams",
                                "--notifier",
                                "User:notifier")
                        .out());
    }
}
