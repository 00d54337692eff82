package io.paperalerts.testing;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.BrokerSecurity;
import io.paperalerts.local.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Kafka's broker in this JVM as a secured cluster runs: TLS on its client listener, SCRAM users
 * ({@code SASL_SSL}) or client certificates ({@code SSL}), and {@code StandardAuthorizer} allowing
 * nothing no ACL allows. The certificates are made once per test JVM by the repository's own
 * {@code ops/security/make-certs.sh}, the script an operator runs, so that script is tested too.
 * Principals: {@code User:admin} (a super user) and {@code User:ingest}, {@code User:streams},
 * {@code User:notifier}, which have nothing until ACLs are created.
 */
public final class SecuredKafka implements AutoCloseable {

    public static final List<String> USERS = List.of("admin", "ingest", "streams", "notifier");

    private static Path certificates;

    private final EmbeddedKafkaBroker broker;
    private final String protocol;
    private final Map<String, String> passwords;

    private SecuredKafka(EmbeddedKafkaBroker broker, String protocol, Map<String, String> passwords) {
        this.broker = broker;
        this.protocol = protocol;
        this.passwords = passwords;
    }

    /** SCRAM-SHA-512 users over TLS. */
    public static SecuredKafka scram() {
        Path certs = certificates();
        Map<String, String> passwords = new LinkedHashMap<>();
        USERS.forEach(user -> passwords.put(user, read(certs.resolve(user + ".password"))));
        BrokerSecurity security = BrokerSecurity.scram(
                certs.resolve("kafka.p12"), certs.resolve("truststore.p12"), storePassword(), passwords, "User:admin");
        return new SecuredKafka(EmbeddedKafkaBroker.startSecured(security), BrokerSecurity.SASL_SSL, passwords);
    }

    /** Mutual TLS: each user is the CN of its certificate. */
    public static SecuredKafka mutualTls() {
        Path certs = certificates();
        BrokerSecurity security = BrokerSecurity.mutualTls(
                certs.resolve("kafka.p12"), certs.resolve("truststore.p12"), storePassword(), "User:admin");
        return new SecuredKafka(EmbeddedKafkaBroker.startSecured(security), BrokerSecurity.SSL, Map.of());
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The folder of the CA, the keystores and their {@code password} file. */
    public static Path certificatesDir() {
        return certificates();
    }

    public String password(String user) {
        return passwords.get(user);
    }

    /**
     * A service's configuration keys for {@code user}: {@code bootstrap.servers} and the
     * {@code kafka.*} settings. The streams user's password is read from its file by Kafka's
     * {@code DirectoryConfigProvider}, as docker-compose.yml reads each from its secret.
     */
    public Map<String, Object> settings(String user) {
        Map<String, Object> settings = new HashMap<>(kafkaSettings(user));
        settings.put(CommonConfig.BOOTSTRAP_SERVERS, bootstrapServers());
        return settings;
    }

    /** The {@code kafka.*} settings of {@code user} alone. */
    public Map<String, String> kafkaSettings(String user) {
        Path certs = certificates();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.security.protocol", protocol);
        settings.put("kafka.ssl.truststore.type", "PKCS12");
        settings.put(
                "kafka.ssl.truststore.location", certs.resolve("truststore.p12").toString());
        settings.put("kafka.ssl.truststore.password", storePassword());
        if (protocol.equals(BrokerSecurity.SASL_SSL)) {
            settings.put("kafka.sasl.mechanism", BrokerSecurity.MECHANISM);
            String password = passwords.get(user);
            if (user.equals("streams")) {
                settings.put("kafka.config.providers", "dir");
                settings.put(
                        "kafka.config.providers.dir.class",
                        "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
                password = "${dir:" + certs + ":streams.password}";
            }
            settings.put("kafka.sasl.jaas.config", jaas(user, password));
        } else {
            settings.put("kafka.ssl.keystore.type", "PKCS12");
            settings.put(
                    "kafka.ssl.keystore.location", certs.resolve(user + ".p12").toString());
            settings.put("kafka.ssl.keystore.password", storePassword());
        }
        return settings;
    }

    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    public KafkaClients clients(String user) {
        return KafkaClients.of(bootstrapServers(), kafkaSettings(user));
    }

    /** Writes {@link #settings} of {@code user} as a properties file, as a service's {@code --config}. */
    public Path configFile(Path dir, String user, Map<String, ?> more) {
        Properties properties = new Properties();
        settings(user).forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        more.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        Path file = dir.resolve(user + "-" + UUID.randomUUID() + ".properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, user);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        broker.close();
    }

    public static String storePassword() {
        return read(certificates().resolve("store.password"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path certificates() {
        if (certificates == null) {
            try {
                Path dir = Files.createTempDirectory("paper-alerts-certs-");
                Process script = new ProcessBuilder(
                                "bash",
                                repositoryRoot()
                                        .resolve("ops/security/make-certs.sh")
                                        .toString(),
                                dir.toString(),
                                "kafka",
                                "ingest",
                                "streams",
                                "notifier",
                                "admin")
                        .redirectErrorStream(true)
                        .start();
                String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!script.waitFor(120, TimeUnit.SECONDS) || script.exitValue() != 0) {
                    throw new IllegalStateException("make-certs.sh failed: " + output);
                }
                certificates = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return certificates;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("ops/security/make-certs.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "ops/security/make-certs.sh not found above " + Path.of("").toAbsolutePath());
    }
}
