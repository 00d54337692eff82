package io.paperalerts.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a broker's client listener is secured, as a managed or company cluster secures it: TLS
 * always, with SCRAM users ({@code SASL_SSL}) or client certificates ({@code SSL}, mutual TLS), and
 * ACLs enforced by KRaft's {@code StandardAuthorizer} with nothing allowed that no ACL allows.
 *
 * @param protocol {@code SASL_SSL} or {@code SSL}
 * @param keystore the broker's PKCS12 keystore (its certificate names the address clients dial)
 * @param truststore the CA that signs client certificates (mutual TLS)
 * @param password the stores' password
 * @param scramUsers SCRAM-SHA-512 users and their passwords, created when the storage is formatted
 * @param superUsers principals the authorizer lets do anything, e.g. {@code User:admin}
 */
public record BrokerSecurity(
        String protocol,
        Path keystore,
        Path truststore,
        String password,
        Map<String, String> scramUsers,
        List<String> superUsers) {

    public static final String SASL_SSL = "SASL_SSL";
    public static final String SSL = "SSL";
    public static final String MECHANISM = "SCRAM-SHA-512";

    public BrokerSecurity {
        if (!protocol.equals(SASL_SSL) && !protocol.equals(SSL)) {
            throw new IllegalArgumentException("protocol must be SASL_SSL or SSL, not " + protocol);
        }
        scramUsers = Map.copyOf(scramUsers);
        superUsers = List.copyOf(superUsers);
    }

    /** SCRAM users over TLS. */
    public static BrokerSecurity scram(
            Path keystore, Path truststore, String password, Map<String, String> users, String... superUsers) {
        return new BrokerSecurity(SASL_SSL, keystore, truststore, password, users, List.of(superUsers));
    }

    /** Mutual TLS: a client is the CN of its certificate ({@code CN=ingest} is {@code User:ingest}). */
    public static BrokerSecurity mutualTls(Path keystore, Path truststore, String password, String... superUsers) {
        return new BrokerSecurity(SSL, keystore, truststore, password, Map.of(), List.of(superUsers));
    }

    /**
     * The listeners and security of one node whose clients connect on {@code port}: replication and
     * the controller stay on loopback-only plaintext listeners of their own, whose principal
     * ({@code ANONYMOUS}) the authorizer must let act as the cluster.
     */
    Properties apply(Properties node, int port, int internalPort, int controllerPort) {
        Properties p = new Properties();
        p.putAll(node);
        String listener = protocol;
        p.put(
                "listeners",
                "INTERNAL://127.0.0.1:" + internalPort + ",CONTROLLER://127.0.0.1:" + controllerPort + "," + listener
                        + "://127.0.0.1:" + port);
        p.put("advertised.listeners", "INTERNAL://127.0.0.1:" + internalPort + "," + listener + "://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + listener + ":" + protocol);
        p.put("inter.broker.listener.name", "INTERNAL");
        String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
        p.put(prefix + "ssl.keystore.type", "PKCS12");
        p.put(prefix + "ssl.keystore.location", keystore.toString());
        p.put(prefix + "ssl.keystore.password", password);
        p.put(prefix + "ssl.truststore.type", "PKCS12");
        p.put(prefix + "ssl.truststore.location", truststore.toString());
        p.put(prefix + "ssl.truststore.password", password);
        if (protocol.equals(SASL_SSL)) {
            p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
            p.put(
                    prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        } else {
            p.put(prefix + "ssl.client.auth", "required");
            p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        }
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        List<String> supers = new ArrayList<>(superUsers);
        supers.add("User:ANONYMOUS");
        p.put("super.users", String.join(";", supers));
        return p;
    }

    /** The storage tool's arguments that create the SCRAM users. */
    List<String> formatArguments() {
        List<String> arguments = new ArrayList<>();
        new TreeMap<>(scramUsers).forEach((name, secret) -> {
            arguments.add("--add-scram");
            arguments.add(MECHANISM + "=[name=" + name + ",password=" + secret + "]");
        });
        return arguments;
    }

    @Override
    public String toString() {
        return protocol + " (users " + scramUsers.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")";
    }
}
