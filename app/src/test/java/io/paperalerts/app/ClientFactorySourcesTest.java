package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client of every module is built by {@code KafkaClients}, so the cluster's security
 * settings reach all of them: a client built from a bare map would connect without TLS or a login,
 * and fail only on a secured cluster.
 */
class ClientFactorySourcesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path FACTORY = Path.of("schemas/src/main/java/io/paperalerts/kafka/KafkaClients.java");
    private static final Pattern CLIENT = Pattern.compile(
            "new\\s+Kafka(Producer|Consumer)\\s*<|\\bAdmin(Client)?\\s*\\.\\s*create\\s*\\(|BOOTSTRAP_SERVERS_CONFIG");
    private static final Pattern STREAMS = Pattern.compile("new\\s+KafkaStreams\\s*\\(");

    @Test
    void shouldBuildEveryKafkaClientOfTheMainSourcesInTheFactory() throws IOException {
        // Given every main source file of every module
        List<Path> sources = mainSources();
        assertThat(sources).as("main sources found").hasSizeGreaterThan(100).contains(ROOT.resolve(FACTORY));

        // Then only the factory makes producers, consumers and admin clients or names bootstrap.servers
        List<String> outside = new ArrayList<>();
        for (Path source : sources) {
            if (source.equals(ROOT.resolve(FACTORY))) {
                continue;
            }
            Matcher client = CLIENT.matcher(Files.readString(source));
            while (client.find()) {
                outside.add(ROOT.relativize(source) + ": " + client.group());
            }
        }
        assertThat(outside).isEmpty();

        // And Kafka Streams is made in one place, from the factory's configuration
        List<Path> streams = sources.stream()
                .filter(s -> {
                    try {
                        return STREAMS.matcher(Files.readString(s)).find();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
        assertThat(streams).extracting(s -> s.getFileName().toString()).containsExactly("AlertStreamsService.java");
        assertThat(Files.readString(streams.get(0))).contains("clients.streamsConfig(");
    }

    @Test
    void shouldSeeAClientBuiltOutsideTheFactory() {
        // A positive control for the pattern the first test relies on
        assertThat(CLIENT.matcher("var c = new KafkaConsumer<>(Map.of(), a, b);")
                        .find())
                .isTrue();
        assertThat(CLIENT.matcher("try (Admin admin = Admin.create(props)) {").find())
                .isTrue();
        assertThat(CLIENT.matcher("p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);")
                        .find())
                .isTrue();
        assertThat(CLIENT.matcher("clients.consumer(Map.of(), a, b)").find()).isFalse();
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> ROOT.relativize(p).toString().matches("[^/]+/src/main/java/.*"))
                    .sorted()
                    .toList();
        }
    }
}
