package io.paperalerts.notifier;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.GroupMembership;
import io.paperalerts.mail.MailConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Configuration of the notifier: the mail keys ({@link MailConfig}) and the digests consumer. */
public final class NotifierConfig extends AbstractConfig {

    public static final String GROUP_ID = "notifier.group.id";
    public static final String STATE_DIR = "notifier.state.dir";
    public static final String RETRY_INITIAL_MS = "notifier.retry.initial.ms";
    public static final String RETRY_MAX_MS = "notifier.retry.max.ms";
    public static final String RETRY_MAX_ATTEMPTS = "notifier.retry.max.attempts";
    public static final String METRICS_PORT = "notifier.metrics.port";
    public static final String SMTP_CONNECTIONS = "notifier.smtp.connections";
    public static final String DELIVERY_RECORD_PER_EMAIL = "notifier.delivery.record.per.email";

    public static final ConfigDef DEFINITION = GroupMembership.define(
                    MailConfig.define(CommonConfig.define(new ConfigDef())))
            .define(
                    GROUP_ID,
                    Type.STRING,
                    "paper-alerts-notifier",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Consumer group of the notifier; its committed offsets mark what was delivered")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    "/tmp/paper-alerts-notifier",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Folder of this instance's copy of the delivery record (RocksDB, one per partition it owns; "
                            + "read again from the deliveries topic when missing); one folder per instance")
            .define(
                    RETRY_INITIAL_MS,
                    Type.LONG,
                    500L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "First wait before retrying a transient SMTP failure; doubles up to notifier.retry.max.ms")
            .define(
                    RETRY_MAX_MS,
                    Type.LONG,
                    60_000L,
                    ConfigDef.Range.between(1, 240_000),
                    Importance.LOW,
                    "Longest wait between retries (below the consumer's max.poll.interval.ms)")
            .define(
                    RETRY_MAX_ATTEMPTS,
                    Type.INT,
                    20,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Attempts at an email its recipient's server keeps refusing for now (4xx) before it goes to "
                            + "deliveries.failed; meanwhile it waits on digests.retry, not in front of other recipients")
            .define(
                    METRICS_PORT,
                    Type.INT,
                    9402,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "Port of GET /metrics (Prometheus), /health/live and /health/ready of the notifier; 0: none")
            .define(
                    SMTP_CONNECTIONS,
                    Type.INT,
                    2,
                    ConfigDef.Range.between(1, 16),
                    Importance.LOW,
                    "SMTP connections this instance sends over at once, each to other recipients (one "
                            + "recipient's emails go in order, over one connection at a time)")
            .define(
                    DELIVERY_RECORD_PER_EMAIL,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Record each email on deliveries as one record naming all its papers (fewer bytes than a "
                            + "record per paper: docs/benchmarks.md). Notifiers before it read only the first of its papers: set it "
                            + "to false for the first rolling restart of an upgrade from such a version, then remove "
                            + "it with a second one. Both formats are always read");

    public NotifierConfig(Map<String, ?> values) {
        super(DEFINITION, values);
    }
}
