package io.paperalerts.kafka;

import io.paperalerts.config.CommonConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place paper-alerts builds Kafka clients: every producer, consumer, admin client and the
 * Kafka Streams configuration of a service come from here, so the service's cluster settings
 * (TLS, SASL, timeouts, config providers) reach each of them.
 *
 * <p>Settings pass through as Kafka Connect's and Spring Kafka's do: {@code kafka.<property>}
 * applies to every kind of client that has the property, {@code kafka.producer.<property>},
 * {@code kafka.consumer.<property>} and {@code kafka.admin.<property>} to one kind, which wins.
 * A client's own settings in the code are defaults these override, except the few the services'
 * guarantees rest on ({@link #SET_BY_PAPER_ALERTS}): those are refused, as is any property no Kafka
 * client has, naming it, when the factory is made at start-up. Values are checked by Kafka's own
 * client configurations then too, so a bad value or an unreadable secret file fails at once.
 */
public final class KafkaClients {

    /** The prefix of pass-through settings in a service's properties. */
    public static final String PREFIX = "kafka.";

    /** What one kind of client is, with the prefix that singles it out. */
    // The sets are Kafka's own unmodifiable configNames(); Error Prone cannot see that through Set.
    @SuppressWarnings("ImmutableEnumChecker")
    public enum Kind {
        PRODUCER("producer.", ProducerConfig.configNames()),
        CONSUMER("consumer.", ConsumerConfig.configNames()),
        ADMIN("admin.", AdminClientConfig.configNames());

        final String prefix;
        final Set<String> properties;

        Kind(String prefix, Set<String> properties) {
            this.prefix = prefix;
            this.properties = properties;
        }

        boolean has(String property) {
            return properties.contains(property) || property.startsWith(CONFIG_PROVIDERS_PREFIX);
        }
    }

    private static final String CONFIG_PROVIDERS_PREFIX = AbstractConfig.CONFIG_PROVIDERS_CONFIG + ".";

    /**
     * Properties the services set themselves because their guarantees rest on them (exactly-once
     * reads, where offsets are committed, which instance owns which partitions), with the reason
     * given when one is passed through.
     */
    static final Map<String, String> SET_BY_PAPER_ALERTS = Map.ofEntries(
            Map.entry(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    "set it with bootstrap.servers (PAPER_ALERTS_BOOTSTRAP_SERVERS, --bootstrap-servers)"),
            Map.entry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "set it with group.instance.id"),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "each service names its groups (see its *.group.id keys)"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "the services read committed records only"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "the services commit after their work is done"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "a new group must start at the earliest record"),
            Map.entry(
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    "the notifier needs co-partitioned topics assigned alike"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "Kafka Streams names its transactions"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "writes must not be duplicated by retries"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "a write counts once every in-sync replica has it"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "each topic has its serdes"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "each topic has its serdes"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "each topic has its serdes"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "each topic has its serdes"));

    private static final Pattern JAAS_USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    private final List<String> bootstrapServers;
    private final Map<String, Object> everyClient;
    private final Map<Kind, Map<String, Object>> oneKind;

    private KafkaClients(List<String> bootstrapServers, Map<String, ?> passThrough) {
        this.bootstrapServers = List.copyOf(bootstrapServers);
        Map<String, Object> every = new TreeMap<>();
        Map<Kind, Map<String, Object>> kinds = new HashMap<>();
        for (Kind kind : Kind.values()) {
            kinds.put(kind, new TreeMap<>());
        }
        passThrough.forEach((name, value) -> {
            Kind kind = kindOf(name);
            String property = kind == null ? name : name.substring(kind.prefix.length());
            String reason = SET_BY_PAPER_ALERTS.get(property);
            if (reason != null) {
                throw new ConfigException(
                        "Kafka client property '" + PREFIX + name + "' is set by paper-alerts itself: " + reason);
            }
            if (kind == null ? List.of(Kind.values()).stream().noneMatch(k -> k.has(property)) : !kind.has(property)) {
                throw new ConfigException("Unknown Kafka client property '" + PREFIX + name + "': no "
                        + (kind == null
                                ? "producer, consumer or admin client"
                                : kind.name().toLowerCase(Locale.ROOT))
                        + " has '" + property + "'");
            }
            (kind == null ? every : kinds.get(kind)).put(property, value);
        });
        this.everyClient = Map.copyOf(every);
        this.oneKind = Map.copyOf(kinds);
        check();
    }

    /** The clients of a service, from its configuration: {@code bootstrap.servers} and every {@code kafka.*} key. */
    public static KafkaClients of(AbstractConfig config) {
        return new KafkaClients(config.getList(CommonConfig.BOOTSTRAP_SERVERS), config.originalsWithPrefix(PREFIX));
    }

    /** The clients of a cluster that needs nothing but its address (the embedded broker, tests, benchmarks). */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(List.of(bootstrapServers.split(",")), Map.of());
    }

    /** The clients of a cluster, with pass-through settings named as in a properties file ({@code kafka.*}). */
    public static KafkaClients of(String bootstrapServers, Map<String, ?> settings) {
        Map<String, Object> passThrough = new HashMap<>();
        settings.forEach((key, value) -> {
            if (!key.startsWith(PREFIX)) {
                throw new ConfigException("Kafka client setting '" + key + "' must start with " + PREFIX);
            }
            passThrough.put(key.substring(PREFIX.length()), value);
        });
        return new KafkaClients(List.of(bootstrapServers.split(",")), passThrough);
    }

    private static Kind kindOf(String name) {
        for (Kind kind : Kind.values()) {
            if (name.startsWith(kind.prefix)) {
                return kind;
            }
        }
        return null;
    }

    /** Lets Kafka's own client configurations check every value once, so a bad one fails at start-up. */
    private void check() {
        if (securityProtocol().startsWith("SASL")
                && !everyClient.containsKey(SaslConfigs.SASL_JAAS_CONFIG)
                && System.getProperty("java.security.auth.login.config") == null) {
            throw new ConfigException("security.protocol " + securityProtocol() + " needs a login: set "
                    + PREFIX + SaslConfigs.SASL_MECHANISM + " (e.g. SCRAM-SHA-512) and " + PREFIX
                    + SaslConfigs.SASL_JAAS_CONFIG
                    + " (PAPER_ALERTS_KAFKA_SASL_MECHANISM, PAPER_ALERTS_KAFKA_SASL_JAAS_CONFIG)");
        }
        try {
            new ProducerConfig(producerConfig(Map.of(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class)));
            new ConsumerConfig(consumerConfig(Map.of(
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class)));
            new AdminClientConfig(adminConfig(Map.of()));
        } catch (ConfigException e) {
            throw new ConfigException("Invalid Kafka client setting: " + e.getMessage());
        }
    }

    public List<String> bootstrapServers() {
        return bootstrapServers;
    }

    /** The security protocol the clients speak, {@code PLAINTEXT} unless set. */
    public String securityProtocol() {
        return String.valueOf(everyClient.getOrDefault(
                        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL))
                .toUpperCase(Locale.ROOT);
    }

    /**
     * Who these clients are to the cluster, as a person reading a log line needs it: the SASL user
     * and mechanism, the client certificate's keystore, or nobody in particular.
     */
    public String principal() {
        Object jaas = everyClient.get(SaslConfigs.SASL_JAAS_CONFIG);
        String protocol = securityProtocol();
        if (protocol.startsWith("SASL")) {
            String mechanism = String.valueOf(
                    everyClient.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM));
            Matcher user = jaas == null ? null : JAAS_USERNAME.matcher(String.valueOf(jaas));
            return user != null && user.find()
                    ? "user '" + user.group(1) + "' (" + mechanism + ")"
                    : "the " + mechanism + " login of sasl.jaas.config";
        }
        Object keystore = everyClient.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        if (keystore != null) {
            return "the client certificate in " + keystore;
        }
        return "an anonymous client";
    }

    /** A producer's settings: {@code own} as defaults, then what passes through for producers. */
    public Map<String, Object> producerConfig(Map<String, ?> own) {
        return merged(Kind.PRODUCER, own);
    }

    public Map<String, Object> consumerConfig(Map<String, ?> own) {
        return merged(Kind.CONSUMER, own);
    }

    public Map<String, Object> adminConfig(Map<String, ?> own) {
        return merged(Kind.ADMIN, own);
    }

    private Map<String, Object> merged(Kind kind, Map<String, ?> own) {
        Map<String, Object> config = new LinkedHashMap<>(own);
        everyClient.forEach((property, value) -> {
            if (kind.has(property)) {
                config.put(property, value);
            }
        });
        config.putAll(oneKind.get(kind));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        return config;
    }

    public <K, V> KafkaProducer<K, V> producer(Map<String, ?> own, Serializer<K> keys, Serializer<V> values) {
        return new KafkaProducer<>(producerConfig(own), keys, values);
    }

    /**
     * A producer for writes that a caller waits on before it answers (a page that says "saved"):
     * idempotent, acknowledged by every in-sync replica, and {@code send()} blocks for metadata at
     * most {@code writeTimeout}, like the wait for the write itself.
     */
    public <K, V> KafkaProducer<K, V> awaitedProducer(Duration writeTimeout, Serializer<K> keys, Serializer<V> values) {
        return producer(
                Map.<String, Object>of(
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        (int) writeTimeout.toMillis()),
                keys,
                values);
    }

    public <K, V> KafkaConsumer<K, V> consumer(Map<String, ?> own, Deserializer<K> keys, Deserializer<V> values) {
        return new KafkaConsumer<>(consumerConfig(own), keys, values);
    }

    public Admin admin(Map<String, ?> own) {
        return Admin.create(adminConfig(own));
    }

    public Admin admin() {
        return admin(Map.of());
    }

    /**
     * A Kafka Streams configuration: {@code own} (the service's Streams settings), then what passes
     * through, in Streams' own prefixes: {@code kafka.<p>} as {@code <p>}, which Streams gives to each
     * of its clients that has it, {@code kafka.producer.<p>} as {@code producer.<p>}, and so on.
     */
    public Properties streamsConfig(Properties own) {
        Properties config = new Properties();
        config.putAll(own);
        config.putAll(everyClient);
        oneKind.forEach((kind, properties) ->
                properties.forEach((property, value) -> config.put(kind.prefix + property, value)));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        return config;
    }

    @Override
    public String toString() {
        return "Kafka clients of " + String.join(",", bootstrapServers) + " as " + principal();
    }
}
