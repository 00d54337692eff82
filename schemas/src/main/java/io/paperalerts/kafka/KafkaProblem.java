package io.paperalerts.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * A Kafka client failure said in one line that names its cause: who failed to authenticate, which
 * certificate was not trusted, what was not authorized. Kafka's own messages name the mechanism
 * but not the user, the topics but not what to grant; an operator reading one log line needs both.
 */
public final class KafkaProblem extends IllegalStateException {

    private KafkaProblem(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem already worded for the operator. */
    public static KafkaProblem of(String message) {
        return new KafkaProblem(message, null);
    }

    /** The problem behind {@code failure}, if a Kafka client's failure of security is in its causes; else null. */
    public static KafkaProblem explain(Throwable failure, KafkaClients clients) {
        String who = clients == null ? "this client" : clients.principal();
        String where = clients == null ? "the Kafka cluster" : String.join(",", clients.bootstrapServers());
        for (Throwable cause : causes(failure)) {
            if (cause instanceof KafkaProblem problem) {
                return problem;
            }
            String message = null;
            if (cause instanceof SaslAuthenticationException) {
                message = "Kafka authentication failed for " + who + " at " + where + ": " + cause.getMessage();
            } else if (cause instanceof SslAuthenticationException) {
                message = "TLS handshake with Kafka at " + where + " failed for " + who + ": " + handshakeFailure(cause)
                        + " (is the broker's CA in ssl.truststore.*? does the listener speak TLS? with mutual TLS, "
                        + "does the broker trust the client certificate?)";
            } else if (cause instanceof TopicAuthorizationException e) {
                message = who + " is not authorized to use topic"
                        + (e.unauthorizedTopics().size() == 1 ? " " : "s ")
                        + String.join(", ", new TreeSet<>(e.unauthorizedTopics()))
                        + " as it needs (see paper-alerts acls)";
            } else if (cause instanceof GroupAuthorizationException e) {
                message =
                        who + " is not authorized to READ consumer group '" + e.groupId() + "' (see paper-alerts acls)";
            } else if (cause instanceof TransactionalIdAuthorizationException) {
                message = who + " is not authorized to WRITE its transactional ids (Kafka Streams: the prefix "
                        + "streams.application.id; see paper-alerts acls): " + cause.getMessage();
            } else if (cause instanceof ClusterAuthorizationException) {
                message = who + " is not authorized for a cluster operation: " + cause.getMessage();
            } else if (cause instanceof AuthorizationException) {
                message = who + " is not authorized: " + cause.getMessage();
            }
            if (message != null) {
                return new KafkaProblem(message, failure);
            }
        }
        return null;
    }

    /** {@link #explain}, or {@code failure} as it is when no security problem is behind it. */
    public static RuntimeException explainOrKeep(RuntimeException failure, KafkaClients clients) {
        KafkaProblem problem = explain(failure, clients);
        return problem == null ? failure : problem;
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable t = failure; t != null && !causes.contains(t); t = t.getCause()) {
            causes.add(t);
        }
        return causes;
    }

    /** What the TLS layer said (it names the certificate problem), else the innermost cause's message. */
    private static String handshakeFailure(Throwable failure) {
        List<Throwable> causes = causes(failure);
        return causes.stream()
                .filter(c -> c instanceof SSLException)
                .map(Throwable::getMessage)
                .findFirst()
                .orElse(causes.get(causes.size() - 1).getMessage());
    }
}
