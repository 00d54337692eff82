package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.Settings;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.NotifierConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** There is no Docker engine here, so the compose file is checked against the code it runs. */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final JsonNode compose = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(ROOT.resolve("docker-compose.yml")));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot parse docker-compose.yml", e);
        }
    }

    private List<String> builtServices() {
        List<String> names = new ArrayList<>();
        compose.get("services").properties().forEach(e -> {
            if (e.getValue().has("build")) {
                names.add(e.getKey());
            }
        });
        return names;
    }

    private static String command(JsonNode service) {
        return service.get("command").get(0).asText();
    }

    @Test
    void shouldProbeEachLongRunningServiceAndScrapeItWhereItServesMetrics() throws Exception {
        JsonNode prometheus = new ObjectMapper(new YAMLFactory()).readTree(
                Files.readString(ROOT.resolve("ops/prometheus/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        prometheus.get("scrape_configs").forEach(job -> job.get("static_configs")
                .forEach(c -> c.get("targets").forEach(t -> targets.add(t.asText()))));
        Map<String, String> ports = Map.of("streams", "PAPER_ALERTS_HTTP_PORT", "notifier",
                "PAPER_ALERTS_NOTIFIER_METRICS_PORT", "ingest", "PAPER_ALERTS_INGEST_METRICS_PORT");
        ports.forEach((name, portVariable) -> {
            JsonNode service = compose.at("/services/" + name);
            String port = service.at("/environment/" + portVariable).asText();
            assertThat(port).as("%s sets %s", name, portVariable).isNotEmpty();
            assertThat(targets).as("prometheus scrapes %s", name).contains(name + ":" + port);
            assertThat(service.at("/healthcheck/test").toString()).as("%s is probed", name)
                    .contains("probe", "http://localhost:" + port + "/health/ready");
        });
        assertThat(compose.at("/services/grafana/volumes").toString()).contains("./ops/grafana/dashboards");
        assertThat(Files.exists(ROOT.resolve("ops/grafana/dashboards/paper-alerts.json"))).isTrue();
    }

    @Test
    void shouldRunEveryServiceOfTheRepositoryWithAKafkaAndAnSmtpServer() {
        assertThat(builtServices()).contains("ingest", "streams", "notifier", "topics");
        assertThat(compose.at("/services/kafka/image").asText()).startsWith("apache/kafka:");
        assertThat(compose.at("/services/mailpit/image").asText()).startsWith("axllent/mailpit:");
        assertThat(Files.exists(ROOT.resolve("Dockerfile"))).isTrue();
    }

    @Test
    void shouldPublishEveryPortOnThisHostOnly() {
        List<String> published = new ArrayList<>();
        compose.get("services").properties().forEach(e -> {
            if (e.getValue().has("ports")) {
                e.getValue().get("ports").forEach(port -> published.add(e.getKey() + " " + port.asText()));
            }
        });
        assertThat(published).isNotEmpty().allSatisfy(port -> assertThat(port).contains(" 127.0.0.1:"));
    }

    @Test
    void shouldOnlySetEnvironmentKeysTheServiceActuallyReads() {
        for (String name : builtServices()) {
            JsonNode service = compose.get("services").get(name);
            String command = command(service);
            ConfigDef definition = ConfigCommand.SERVICES.get(command);
            assertThat(definition).as("service %s runs unknown command %s", name, command).isNotNull();
            Set<String> known = definition.names().stream().map(Settings::envName).collect(Collectors.toSet());
            Set<String> set = new TreeSet<>();
            service.get("environment").fieldNames().forEachRemaining(set::add);

            assertThat(set).as("environment of %s", name).isNotEmpty().isSubsetOf(known);

            // And the values are valid for the service (types, ranges, choices)
            var values = Settings.resolve(definition, null, textValues(service.get("environment")), Map.of());
            assertThat(new AbstractConfig(definition, values).getList(CommonConfig.BOOTSTRAP_SERVERS))
                    .as("%s must reach the kafka service", name).containsExactly("kafka:9092");
        }
    }

    @Test
    void shouldCopyEveryModuleOfTheBuildIntoTheImage() throws Exception {
        // Maven refuses a reactor with a missing module, even when building only some of them.
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        java.util.regex.Matcher module = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        int modules = 0;
        while (module.find()) {
            assertThat(dockerfile).contains("COPY " + module.group(1) + " " + module.group(1));
            modules++;
        }
        assertThat(modules).isGreaterThanOrEqualTo(8);
    }

    @Test
    void shouldPointTheNotifierAtTheComposeSmtpServer() {
        JsonNode environment = compose.at("/services/notifier/environment");
        var config = new NotifierConfig(Settings.resolve(NotifierConfig.DEFINITION, null, textValues(environment),
                Map.of()));

        assertThat(compose.get("services").has(config.getString(MailConfig.SMTP_HOST))).isTrue();
        assertThat(compose.at("/services/mailpit/ports").toString()).contains(":" + config.getInt(MailConfig.SMTP_PORT));
    }

    private static Map<String, String> textValues(JsonNode environment) {
        Map<String, String> values = new HashMap<>();
        environment.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }
}
