package io.paperalerts.mail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.LoggerFactory;

/**
 * The keys of everything that sends email or signs its links (the notifier, and registration for
 * confirmation emails), declared once, here, with what reads them.
 */
public final class MailConfig {

    public static final String SMTP_HOST = "smtp.host";
    public static final String SMTP_PORT = "smtp.port";
    public static final String SMTP_SECURITY = "smtp.security";
    public static final String SMTP_USER = "smtp.user";
    public static final String SMTP_PASSWORD = "smtp.password";
    public static final String SMTP_TIMEOUT_MS = "smtp.timeout.ms";
    public static final String MAIL_FROM = "mail.from";
    public static final String LINKS_BASE_URL = "mail.links.base.url";
    public static final String UNSUBSCRIBE_MAILTO = "mail.unsubscribe.mailto";
    public static final String TOKEN_SECRET = "mail.token.secret";
    public static final String TOKEN_TTL_DAYS = "mail.token.ttl.days";
    public static final String MANAGE_TTL_DAYS = "mail.manage.ttl.days";

    /** How the SMTP connection is secured. */
    public enum Security {
        NONE,
        STARTTLS,
        SMTPS
    }

    private MailConfig() {}

    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(
                        SMTP_HOST,
                        Type.STRING,
                        "localhost",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "SMTP server host")
                .define(
                        SMTP_PORT,
                        Type.INT,
                        1025,
                        ConfigDef.Range.between(1, 65535),
                        Importance.HIGH,
                        "SMTP server port (1025 is Mailpit's; 587 for STARTTLS and 465 for SMTPS are usual in production)")
                .define(
                        SMTP_SECURITY,
                        Type.STRING,
                        "none",
                        MailConfig::requireSecurity,
                        Importance.HIGH,
                        "none, starttls (required, not opportunistic) or smtps")
                .define(SMTP_USER, Type.STRING, "", Importance.MEDIUM, "SMTP user; empty for no authentication")
                .define(SMTP_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM, "SMTP password")
                .define(
                        SMTP_TIMEOUT_MS,
                        Type.INT,
                        10_000,
                        ConfigDef.Range.atLeast(100),
                        Importance.LOW,
                        "Connect, read and write timeout of the SMTP connection")
                .define(
                        MAIL_FROM,
                        Type.STRING,
                        "paper-alerts <alerts@localhost>",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "From address of every email")
                .define(
                        LINKS_BASE_URL,
                        Type.STRING,
                        "http://localhost:8080",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Base URL of the web pages the links in emails lead to (https in production)")
                .define(
                        UNSUBSCRIBE_MAILTO,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        "Address for mailto unsubscribe in List-Unsubscribe; empty for the https link only")
                .define(
                        TOKEN_SECRET,
                        Type.PASSWORD,
                        "",
                        Importance.HIGH,
                        "Secret (16+ bytes) signing the links' tokens, the same for every service (e.g. the output of "
                                + "'openssl rand -base64 32'); streams and notifier refuse to start without it. Never commit it")
                .define(
                        TOKEN_TTL_DAYS,
                        Type.INT,
                        365,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "How long the unsubscribe link in an email stays valid")
                .define(
                        MANAGE_TTL_DAYS,
                        Type.INT,
                        45,
                        ConfigDef.Range.between(1, 365),
                        Importance.LOW,
                        "How long a manage link (every subscription of the address) stays valid: longer than a weekly "
                                + "digest waits to be read; the manage page revokes every link sent so far at once");
    }

    /**
     * Refuses a service that signs or checks links without a configured secret: each process would
     * make its own, and the links one signs would fail in the other from the first email.
     *
     * @throws ConfigException saying how to set it
     */
    public static void requireTokenSecret(AbstractConfig config) {
        String secret = config.getPassword(TOKEN_SECRET).value();
        if (secret.getBytes(StandardCharsets.UTF_8).length < 16) {
            throw new ConfigException(TOKEN_SECRET + " is " + (secret.isEmpty() ? "not set" : "shorter than 16 bytes")
                    + ": set it (or PAPER_ALERTS_MAIL_TOKEN_SECRET) to the same 16+ random characters for every "
                    + "service, e.g. the output of 'openssl rand -base64 32'");
        }
    }

    /** The links' signing secret; a random one, with a warning, when none is configured (tests, the demo). */
    public static byte[] tokenSecret(AbstractConfig config) {
        String secret = config.getPassword(TOKEN_SECRET).value();
        if (secret.isEmpty()) {
            LoggerFactory.getLogger(MailConfig.class)
                    .warn(
                            "No {} configured: links in emails are signed with a "
                                    + "random secret and stop working after a restart",
                            TOKEN_SECRET);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    public static Security security(AbstractConfig config) {
        return Security.valueOf(config.getString(SMTP_SECURITY).toUpperCase(Locale.ROOT));
    }

    private static void requireSecurity(String name, Object value) {
        try {
            Security.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "expected none, starttls or smtps");
        }
    }
}
