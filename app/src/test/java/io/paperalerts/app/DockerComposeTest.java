package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.Settings;
import io.paperalerts.kafka.KafkaClients;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** There is no Docker engine here, so the compose file is checked against the code it runs. */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String KAFKA_ENV = "PAPER_ALERTS_KAFKA_";

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
        JsonNode prometheus = new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(ROOT.resolve("ops/prometheus/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        prometheus
                .get("scrape_configs")
                .forEach(job ->
                        job.get("static_configs").forEach(c -> c.get("targets").forEach(t -> targets.add(t.asText()))));
        Map<String, String> ports = Map.of(
                "streams",
                "PAPER_ALERTS_STREAMS_METRICS_PORT",
                "notifier",
                "PAPER_ALERTS_NOTIFIER_METRICS_PORT",
                "ingest",
                "PAPER_ALERTS_INGEST_METRICS_PORT");
        ports.forEach((name, portVariable) -> {
            JsonNode service = compose.at("/services/" + name);
            String port = service.at("/environment/" + portVariable).asText();
            assertThat(port).as("%s sets %s", name, portVariable).isNotEmpty();
            assertThat(targets).as("prometheus scrapes %s", name).contains(name + ":" + port);
            assertThat(service.at("/healthcheck/test").toString())
                    .as("%s is probed", name)
                    .contains("probe", "http://localhost:" + port + "/health/ready");
        });
        assertThat(compose.at("/services/grafana/volumes").toString()).contains("./ops/grafana/dashboards");
        assertThat(Files.exists(ROOT.resolve("ops/grafana/dashboards/paper-alerts.json")))
                .isTrue();
    }

    @Test
    void shouldRunEveryServiceOfTheRepositoryWithAKafkaAndAnSmtpServer() {
        assertThat(builtServices()).contains("ingest", "streams", "notifier", "topics", "acls");
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

    private static ConfigDef definition(String command) {
        return command.equals("acls") ? AclsCommand.DEFINITION : ConfigCommand.SERVICES.get(command);
    }

    @Test
    void shouldOnlySetEnvironmentKeysTheServiceActuallyReads() {
        for (String name : builtServices()) {
            JsonNode service = compose.get("services").get(name);
            String command = command(service);
            ConfigDef definition = definition(command);
            assertThat(definition)
                    .as("service %s runs unknown command %s", name, command)
                    .isNotNull();
            Set<String> known =
                    definition.names().stream().map(Settings::envName).collect(Collectors.toSet());
            Set<String> set = new TreeSet<>();
            service.get("environment").fieldNames().forEachRemaining(set::add);
            set.removeIf(key -> key.startsWith(KAFKA_ENV)); // checked by the next test

            assertThat(set).as("environment of %s", name).isNotEmpty().isSubsetOf(known);

            // And the values are valid for the service (types, ranges, choices)
            var values = Settings.resolve(definition, null, textValues(service.get("environment")), Map.of());
            assertThat(new AbstractConfig(definition, values).getList(CommonConfig.BOOTSTRAP_SERVERS))
                    .as("%s must reach the kafka service", name)
                    .containsExactly("kafka:9092");
        }
    }

    @Test
    void shouldConnectEveryServiceOverSaslSslAsItsOwnUserWithSecretsItIsGiven(@TempDir Path secrets) throws Exception {
        // Given the secrets make-certs.sh makes, where compose mounts them
        Set<String> declared = new TreeSet<>();
        compose.get("secrets").properties().forEach(e -> {
            declared.add(e.getKey());
            assertThat(e.getValue().get("file").asText()).isEqualTo("ops/security/local/" + e.getKey());
        });
        assertThat(declared)
                .contains(
                        "truststore.p12",
                        "store.password",
                        "kafka.p12",
                        "admin.password",
                        "ingest.password",
                        "streams.password",
                        "notifier.password");
        for (String secret : declared) {
            Files.writeString(secrets.resolve(secret), "secret-of-" + secret);
        }
        Map<String, String> users = Map.of(
                "topics",
                "admin",
                "acls",
                "admin",
                "streams",
                "streams",
                "notifier",
                "notifier",
                "ingest",
                "ingest",
                "sample",
                "ingest");
        for (String name : builtServices()) {
            JsonNode service = compose.get("services").get(name);
            Map<String, String> environment = new HashMap<>();
            // Compose reads $$ as a $ and mounts each secret at /run/secrets/NAME.
            textValues(service.get("environment"))
                    .forEach((key, value) ->
                            environment.put(key, value.replace("$$", "$").replace("/run/secrets", secrets.toString())));
            ConfigDef definition = definition(command(service));

            // Then its Kafka settings are ones Kafka's clients take, secrets resolved, as its own user
            KafkaClients clients = KafkaClients.of(
                    new AbstractConfig(definition, Settings.resolve(definition, null, environment, Map.of()), false));
            assertThat(clients.securityProtocol()).as(name).isEqualTo("SASL_SSL");
            assertThat(clients.principal()).as(name).isEqualTo("user '" + users.get(name) + "' (SCRAM-SHA-512)");
            assertThat(new AdminClientConfig(clients.adminConfig(Map.of()))
                            .getPassword("sasl.jaas.config")
                            .value())
                    .as(name)
                    .contains("password=\"secret-of-" + users.get(name) + ".password\"");

            // And it is given exactly the secrets its settings read: the truststore's and its own
            Set<String> given = new TreeSet<>();
            service.get("secrets").forEach(secret -> given.add(secret.asText()));
            assertThat(given)
                    .as(name)
                    .containsExactlyInAnyOrder("truststore.p12", "store.password", users.get(name) + ".password");
        }
    }

    @Test
    void shouldCopyEveryModuleOfTheBuildIntoTheImage() throws Exception {
        // Maven refuses a reactor with a missing module, even when building only some of them.
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
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
        var config = new NotifierConfig(
                Settings.resolve(NotifierConfig.DEFINITION, null, textValues(environment), Map.of()));

        assertThat(compose.get("services").has(config.getString(MailConfig.SMTP_HOST)))
                .isTrue();
        assertThat(compose.at("/services/mailpit/ports").toString())
                .contains(":" + config.getInt(MailConfig.SMTP_PORT));
    }

    private static Map<String, String> textValues(JsonNode environment) {
        Map<String, String> values = new HashMap<>();
        environment
                .properties()
                .forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }
}
