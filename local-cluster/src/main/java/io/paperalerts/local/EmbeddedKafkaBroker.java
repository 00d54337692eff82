package io.paperalerts.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Kafka's own KRaft broker (one combined broker and controller node) running inside this JVM: the
 * real broker, not a mock, for the demo and the integration tests. Its data lives in a fresh
 * temporary folder deleted on close, or in a given folder kept across runs (then the ports chosen
 * on the first run are reused, since the controller's address is recorded in its metadata log).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String PORTS_FILE = "embedded-ports.properties";

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path dataDir, boolean deleteOnClose, int brokerPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.server = server;
    }

    /** Starts a broker on a fresh temporary folder, deleted on {@link #close()}. */
    public static EmbeddedKafkaBroker start() {
        try {
            return start(Files.createTempDirectory("paper-alerts-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder for Kafka", e);
        }
    }

    /** Starts a broker whose topics and offsets persist in {@code dataDir}. */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, false, 0);
    }

    /**
     * Starts a broker whose data persist in {@code dataDir}, listening for clients on
     * {@code brokerPort} (0: a free port, or the one chosen when the folder was first used).
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int brokerPort) {
        return start(dataDir, false, brokerPort);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose) {
        return start(dataDir, deleteOnClose, 0);
    }

    /**
     * Starts a broker on a fresh temporary folder, deleted on {@link #close()}, whose clients must
     * speak TLS and authenticate, and whose ACLs allow nothing but what they grant.
     */
    public static EmbeddedKafkaBroker startSecured(BrokerSecurity security) {
        try {
            return start(Files.createTempDirectory("paper-alerts-kafka-"), true, 0, security);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder for Kafka", e);
        }
    }

    private static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose, int requestedPort) {
        return start(dataDir, deleteOnClose, requestedPort, null);
    }

    private static EmbeddedKafkaBroker start(
            Path dataDir, boolean deleteOnClose, int requestedPort, BrokerSecurity security) {
        try {
            Files.createDirectories(dataDir);
            Properties ports = loadOrChoosePorts(dataDir, requestedPort);
            int brokerPort = requestedPort > 0 ? requestedPort : Integer.parseInt(ports.getProperty("broker"));
            int controllerPort = Integer.parseInt(ports.getProperty("controller"));
            Properties props = serverProperties(dataDir, brokerPort, controllerPort);
            List<String> formatArguments = List.of();
            if (security != null) {
                props = security.apply(
                        props, brokerPort, freePortOtherThan(brokerPort, controllerPort), controllerPort);
                formatArguments = security.formatArguments();
            }
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(dataDir, props, formatArguments);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafkaBroker(dataDir, deleteOnClose, brokerPort, server);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private static Properties serverProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = KRaftNodeProperties.of(1, brokerPort, controllerPort, dataDir.resolve("logs"), 1);
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        return p;
    }

    private static void format(Path dataDir, Properties props, List<String> moreArguments) throws IOException {
        Path file = dataDir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "embedded paper-alerts broker");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(), "--standalone"));
        arguments.addAll(moreArguments);
        int status = StorageTool.execute(
                arguments.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException(
                    "Formatting Kafka storage in " + dataDir + " failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static Properties loadOrChoosePorts(Path dataDir, int requestedPort) throws IOException {
        Path file = dataDir.resolve(PORTS_FILE);
        Properties ports = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                ports.load(reader);
            }
            return ports;
        }
        int[] free = requestedPort > 0 ? new int[] {requestedPort, freePortOtherThan(requestedPort)} : freePorts(2);
        ports.put("broker", String.valueOf(free[0]));
        ports.put("controller", String.valueOf(free[1]));
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ports.store(writer, "ports of the embedded broker, reused when restarted on this folder");
        }
        return ports;
    }

    /**
     * A free port that is none of {@code taken}: those are only numbers until the broker binds
     * them, and the system may hand a just-released port out again (two listeners on one port
     * stop the broker from starting).
     */
    private static int freePortOtherThan(int... taken) throws IOException {
        while (true) {
            int port = freePort();
            if (Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    /** Distinct free ports: each is held until all are chosen, so the system cannot hand one out twice. */
    public static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                socket.setReuseAddress(true);
                held.add(socket);
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temporary folder must not fail a shutdown.
        }
    }
}
