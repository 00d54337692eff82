package io.paperalerts.registration;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.mail.MailConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Configuration of registration: the web server, its limits, and the email keys for confirmations. */
public final class RegistrationConfig extends AbstractConfig {

    public static final String HTTP_PORT = "http.port";
    public static final String CONFIRM_TTL_HOURS = "registration.confirm.ttl.hours";
    public static final String MAX_PER_ADDRESS = "registration.max.per.address.per.hour";
    public static final String MAX_PER_CLIENT = "registration.max.per.client.per.hour";
    public static final String MAX_PER_ADDRESS_ALL_CLIENTS = "registration.max.per.address.all.clients.per.hour";
    public static final String MAX_EMAILS_PER_MINUTE = "registration.max.emails.per.minute";
    public static final String MAX_ACTIONS_PER_CLIENT_PER_MINUTE = "registration.max.actions.per.client.per.minute";
    public static final String TRUSTED_PROXIES = "http.trusted.proxies";
    public static final String BACKFILL_GROUP_ID = "registration.backfill.group.id";
    public static final String MAX_BACKFILL_DAYS = "registration.max.backfill.days";
    public static final String PREVIEW_PAPERS = "preview.recent.papers";

    public static final ConfigDef DEFINITION = MailConfig.define(CommonConfig.define(new ConfigDef()))
            .define(
                    HTTP_PORT,
                    Type.INT,
                    8080,
                    ConfigDef.Range.between(0, 65535),
                    Importance.HIGH,
                    "Port of the web pages and the REST API (0: any free port)")
            .define(
                    CONFIRM_TTL_HOURS,
                    Type.INT,
                    48,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "How long a confirmation link stays valid")
            .define(
                    MAX_PER_ADDRESS,
                    Type.INT,
                    5,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Registrations (and manage-link requests) per email address per hour from one client; more get 429")
            .define(
                    MAX_PER_ADDRESS_ALL_CLIENTS,
                    Type.INT,
                    20,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Registrations (and manage-link requests) per email address per hour from all clients together")
            .define(
                    MAX_EMAILS_PER_MINUTE,
                    Type.INT,
                    60,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Confirmation and manage-link emails per minute in all: a ceiling on what registration sends "
                            + "that a crowd of clients fills for a minute at most, not for an hour")
            .define(
                    MAX_ACTIONS_PER_CLIENT_PER_MINUTE,
                    Type.INT,
                    120,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Other state-changing requests (confirm, change, delete, unsubscribe) and previews per client "
                            + "per minute")
            .define(
                    BACKFILL_GROUP_ID,
                    Type.STRING,
                    "paper-alerts-backfills",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "Consumer group that works through backfill.requests (the backfills confirmed "
                            + "registrations asked for); its committed offsets mark what was done")
            .define(
                    TRUSTED_PROXIES,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Addresses of reverse proxies in front of the service: behind one, the client is the nearest "
                            + "X-Forwarded-For entry that is not a trusted proxy; empty: X-Forwarded-For is ignored")
            .define(
                    MAX_PER_CLIENT,
                    Type.INT,
                    30,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Registrations (and manage-link requests) per client IP address per hour; more get 429")
            .define(
                    MAX_BACKFILL_DAYS,
                    Type.INT,
                    30,
                    ConfigDef.Range.between(0, 3650),
                    Importance.LOW,
                    "Largest backfillDays a registration may ask for")
            .define(
                    PREVIEW_PAPERS,
                    Type.INT,
                    2_000,
                    ConfigDef.Range.between(1, 100_000),
                    Importance.LOW,
                    "Most recent papers kept in memory for previews of a query");

    public RegistrationConfig(Map<String, ?> values) {
        super(DEFINITION, values);
    }
}
