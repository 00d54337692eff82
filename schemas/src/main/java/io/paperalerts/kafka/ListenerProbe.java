package io.paperalerts.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Why a Kafka client got no answer: a client whose security protocol does not match the listener
 * is not refused, it is disconnected and retries until its timeout, and its error then says only
 * "timed out". This looks at the listener itself: is anything there, and does it speak TLS.
 * Nothing is authenticated or sent beyond a TLS hello; the broker's certificate is not checked here
 * (the client checks it, and says so when it fails).
 */
final class ListenerProbe {

    private static final int TIMEOUT_MS = 5_000;

    private ListenerProbe() {}

    /** {@code host:port} as a socket address; {@code null} when it is not one (the first request explains). */
    private static InetSocketAddress address(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        try {
            return colon < 0
                    ? null
                    : new InetSocketAddress(
                            hostAndPort.substring(0, colon),
                            Integer.parseInt(hostAndPort.substring(colon + 1).trim()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether something accepts TCP connections at {@code host:port}; anything but a refusal counts as yes. */
    static boolean accepts(String hostAndPort) {
        InetSocketAddress address = address(hostAndPort);
        if (address == null) {
            return true;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MS);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            // An unresolvable or silent address is for the first request to explain.
            return true;
        }
    }

    /** What is wrong at {@code hostAndPort} for a client speaking {@code securityProtocol}, or null if nothing is seen. */
    static String diagnose(String hostAndPort, String securityProtocol) {
        InetSocketAddress address = address(hostAndPort);
        if (address == null) {
            return null;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MS);
        } catch (IOException e) {
            return "nothing accepts connections at " + hostAndPort + " (" + e.getMessage() + ")";
        }
        boolean clientSpeaksTls = securityProtocol.endsWith("SSL");
        boolean listenerSpeaksTls = speaksTls(address.getHostString(), address.getPort());
        if (clientSpeaksTls && !listenerSpeaksTls) {
            return "the listener at " + hostAndPort
                    + " does not speak TLS (no TLS handshake), but security.protocol is " + securityProtocol
                    + ": is it a PLAINTEXT or SASL_PLAINTEXT listener?";
        }
        if (!clientSpeaksTls && listenerSpeaksTls) {
            return "the listener at " + hostAndPort + " speaks TLS, but security.protocol is " + securityProtocol
                    + ": set kafka.security.protocol to SSL or SASL_SSL (PAPER_ALERTS_KAFKA_SECURITY_PROTOCOL)";
        }
        return null;
    }

    private static boolean speaksTls(String host, int port) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
                plain.setSoTimeout(TIMEOUT_MS);
                try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, false)) {
                    tls.startHandshake();
                    return true;
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            // A listener that demands a client certificate may end the handshake for want of one;
            // it spoke TLS up to there, which a plaintext listener never does.
            return e.getMessage() != null && e.getMessage().contains("bad_certificate");
        }
    }

    /** Accepts any server certificate: the probe asks only whether TLS is spoken, not by whom. */
    private static final class AnyCertificate implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // the real client checks the certificate; the probe only looks for TLS
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
