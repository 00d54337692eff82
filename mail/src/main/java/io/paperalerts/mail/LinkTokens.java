package io.paperalerts.mail;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring tokens for the links in emails (unsubscribe, manage): the action, the
 * recipient and the subscriptions, HMAC-SHA256-signed with a configured secret, so a link cannot be
 * forged or altered to act on someone else's subscriptions.
 */
public final class LinkTokens {

    /**
     * What a valid token says.
     *
     * @param generation for a manage link, the address's link generation it was signed for: a
     *     newer generation revokes every older link (0 in tokens that carry none)
     */
    public record Claims(
            String action, String recipient, List<String> subscriptionIds, long expiresEpochSecond, long generation) {}

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] secret;
    private final Duration lifetime;
    private final Clock clock;

    public LinkTokens(byte[] secret, Duration lifetime, Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the token secret needs at least 16 bytes");
        }
        this.secret = secret.clone();
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Tokens with the same secret and clock that stay valid for {@code newLifetime}. */
    public LinkTokens withLifetime(Duration newLifetime) {
        return new LinkTokens(secret, newLifetime, clock);
    }

    public String sign(String action, String recipient, List<String> subscriptionIds) {
        return sign(action, recipient, subscriptionIds, 0);
    }

    /** A token that names the link generation it belongs to (manage links). */
    public String sign(String action, String recipient, List<String> subscriptionIds, long generation) {
        return sign(
                action,
                recipient,
                subscriptionIds,
                generation,
                clock.instant().plus(lifetime).getEpochSecond());
    }

    /**
     * Like {@link #sign(String, String, List, long)}, but valid to the end of the UTC day its
     * lifetime ends on: the same token all day, so a page or feed that carries one per paper stays
     * byte for byte the same (and its ETag with it) between two changes.
     */
    public String signForTheDay(String action, String recipient, List<String> subscriptionIds, long generation) {
        long end = clock.instant().plus(lifetime).getEpochSecond();
        return sign(action, recipient, subscriptionIds, generation, (end / DAY_SECONDS + 1) * DAY_SECONDS - 1);
    }

    private static final long DAY_SECONDS = 24 * 3600;

    private String sign(String action, String recipient, List<String> subscriptionIds, long generation, long expires) {
        String payload = action + "\n" + recipient + "\n" + String.join(",", subscriptionIds) + "\n" + expires
                + (generation == 0 ? "" : "\n" + generation);
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
    }

    /** @throws IllegalArgumentException if the token is malformed, tampered with or expired */
    public Claims verify(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("malformed token");
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed token");
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            throw new IllegalArgumentException("invalid token signature");
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 4 && fields.length != 5) {
            throw new IllegalArgumentException("malformed token");
        }
        long expires;
        long generation;
        try {
            expires = Long.parseLong(fields[3]);
            generation = fields.length == 5 ? Long.parseLong(fields[4]) : 0;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed token");
        }
        if (clock.instant().getEpochSecond() > expires) {
            throw new IllegalArgumentException("expired token");
        }
        return new Claims(
                fields[0],
                fields[1],
                fields[2].isEmpty() ? List.of() : List.of(fields[2].split(",")),
                expires,
                generation);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
