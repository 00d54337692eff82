package io.paperalerts.fingerprint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Short, stable names of values: the first bytes of their SHA-256, in hex. Digest ids,
 * Message-IDs, ETags and the recipient labels of log lines derive from it.
 */
public final class Sha256 {

    private Sha256() {}

    /** The first {@code bytes} bytes of the SHA-256 of the UTF-8 of {@code value}, as hex. */
    public static String hex(String value, int bytes) {
        return hex(value.getBytes(StandardCharsets.UTF_8), bytes);
    }

    /** The first {@code bytes} bytes of the SHA-256 of {@code data}, as hex. */
    public static String hex(byte[] data, int bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data), 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform has SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
