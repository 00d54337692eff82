package io.paperalerts.mail;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a log line says instead of an email address: HMAC-SHA256 of the address under the links'
 * secret ({@code mail.token.secret}), the same in every service, so one recipient's lines can be
 * followed across services. An unkeyed hash would be reversed by anyone who guesses the address.
 */
public final class AddressHash {

    /** What log layouts also mask: an address anywhere in a text (a server's reply echoes it). */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    private final SecretKeySpec key;

    public AddressHash(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** {@code text} with each address in it written {@code recipient <its hash>}, for a log line. */
    public String redact(String text) {
        return ADDRESS.matcher(text).replaceAll(address -> "recipient " + of(address.group()));
    }

    /** 12 hex digits (48 bits): enough to tell recipients apart in logs, too few to be an identifier elsewhere. */
    public String of(String address) {
        return HexFormat.of().formatHex(mac(address), 0, 6);
    }

    /**
     * The whole HMAC (64 hex digits): what a record keeps about an address where it must outlive
     * the address (the generation of its manage links, that it was forgotten), without the address.
     */
    public String pseudonym(String address) {
        return HexFormat.of().formatHex(mac(address));
    }

    private byte[] mac(String address) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(
                    String.valueOf(address).strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
