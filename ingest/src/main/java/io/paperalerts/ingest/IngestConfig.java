package io.paperalerts.ingest;

import io.paperalerts.config.CommonConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Configuration of the ingest service. */
public final class IngestConfig extends AbstractConfig {

    public static final String CLIENT_ID = "ingest.client.id";
    public static final String SOURCES = "ingest.sources";
    public static final String ARXIV_API_URL = "ingest.arxiv.api.url";
    public static final String ARXIV_API_QUERY = "ingest.arxiv.api.query";
    public static final String ARXIV_API_PAGE_SIZE = "ingest.arxiv.api.page.size";
    public static final String ARXIV_API_MAX_PAGES = "ingest.arxiv.api.max.pages";
    public static final String ARXIV_API_INTERVAL_MS = "ingest.arxiv.api.interval.ms";
    public static final String ARXIV_RSS_URL = "ingest.arxiv.rss.url";
    public static final String ARXIV_RSS_CATEGORIES = "ingest.arxiv.rss.categories";
    public static final String ARXIV_RSS_INTERVAL_MS = "ingest.arxiv.rss.interval.ms";
    public static final String HF_URL = "ingest.hf.url";
    public static final String HF_INTERVAL_MS = "ingest.hf.interval.ms";
    public static final String ARXIV_MIN_INTERVAL_MS = "ingest.arxiv.min.interval.ms";
    public static final String HTTP_USER_AGENT = "ingest.http.user.agent";
    public static final String HTTP_TIMEOUT_MS = "ingest.http.timeout.ms";
    public static final String HTTP_RETRIES = "ingest.http.retries";
    public static final String HTTP_BACKOFF_INITIAL_MS = "ingest.http.backoff.initial.ms";
    public static final String HTTP_BACKOFF_MAX_MS = "ingest.http.backoff.max.ms";
    public static final String DELIVERY_TIMEOUT_MS = "ingest.delivery.timeout.ms";
    public static final String METRICS_PORT = "ingest.metrics.port";

    public static final ConfigDef DEFINITION = CommonConfig.define(new ConfigDef())
            .define(
                    CLIENT_ID,
                    Type.STRING,
                    "paper-alerts-ingest",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "Kafka client id of the ingest producer, shown in broker logs and quotas")
            .define(
                    SOURCES,
                    Type.LIST,
                    "arxiv-rss,hf-daily",
                    ConfigDef.ValidList.in("arxiv-api", "arxiv-rss", "hf-daily"),
                    Importance.HIGH,
                    "Sources polled by 'ingest run' and 'ingest once': arxiv-api, arxiv-rss, hf-daily")
            .define(
                    ARXIV_API_URL,
                    Type.STRING,
                    "https://export.arxiv.org/api/query",
                    Importance.LOW,
                    "arXiv API endpoint")
            .define(
                    ARXIV_API_QUERY,
                    Type.STRING,
                    "cat:cs.LG OR cat:cs.AI OR cat:cs.CL",
                    Importance.HIGH,
                    "arXiv API search query (arXiv's syntax), newest submissions first")
            .define(
                    ARXIV_API_PAGE_SIZE,
                    Type.INT,
                    100,
                    ConfigDef.Range.between(1, 2000),
                    Importance.LOW,
                    "Entries per arXiv API page")
            .define(
                    ARXIV_API_MAX_PAGES,
                    Type.INT,
                    5,
                    ConfigDef.Range.between(1, 100),
                    Importance.LOW,
                    "Pages per poll at most; paging stops earlier at papers already published")
            .define(
                    ARXIV_API_INTERVAL_MS,
                    Type.LONG,
                    6 * 3600_000L,
                    ConfigDef.Range.atLeast(1_000),
                    Importance.MEDIUM,
                    "How often 'ingest run' polls the arXiv API")
            .define(
                    ARXIV_RSS_URL,
                    Type.STRING,
                    "https://rss.arxiv.org/rss",
                    Importance.LOW,
                    "arXiv RSS base URL; the categories are appended, joined by +")
            .define(
                    ARXIV_RSS_CATEGORIES,
                    Type.LIST,
                    "cs.LG,cs.AI,cs.CL",
                    Importance.HIGH,
                    "arXiv categories of the RSS feed")
            .define(
                    ARXIV_RSS_INTERVAL_MS,
                    Type.LONG,
                    3600_000L,
                    ConfigDef.Range.atLeast(1_000),
                    Importance.MEDIUM,
                    "How often 'ingest run' polls the arXiv RSS feed")
            .define(
                    HF_URL,
                    Type.STRING,
                    "https://huggingface.co/api/daily_papers",
                    Importance.LOW,
                    "Hugging Face Daily Papers API (add ?date=YYYY-MM-DD for one day)")
            .define(
                    HF_INTERVAL_MS,
                    Type.LONG,
                    3600_000L,
                    ConfigDef.Range.atLeast(1_000),
                    Importance.MEDIUM,
                    "How often 'ingest run' polls Hugging Face Daily Papers")
            .define(
                    ARXIV_MIN_INTERVAL_MS,
                    Type.LONG,
                    3000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Least time between two requests to an arXiv host (arXiv asks for 3 s)")
            .define(
                    HTTP_USER_AGENT,
                    Type.STRING,
                    "paper-alerts/0.1 (+mailto:alerts@localhost)",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "User-Agent of every request; put a contact address of yours in it")
            .define(
                    HTTP_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    ConfigDef.Range.atLeast(100),
                    Importance.LOW,
                    "Connect and read timeout of a request")
            .define(
                    HTTP_RETRIES,
                    Type.INT,
                    4,
                    ConfigDef.Range.between(0, 20),
                    Importance.LOW,
                    "Retries of a request failing with 5xx, 429 or an I/O error")
            .define(
                    HTTP_BACKOFF_INITIAL_MS,
                    Type.LONG,
                    2_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "First wait before a retry (without Retry-After); doubles, with jitter")
            .define(
                    HTTP_BACKOFF_MAX_MS,
                    Type.LONG,
                    120_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Longest wait before a retry, Retry-After included")
            .define(
                    DELIVERY_TIMEOUT_MS,
                    Type.INT,
                    120_000,
                    ConfigDef.Range.atLeast(1_000),
                    Importance.LOW,
                    "How long the producer tries to publish a poll's papers while the cluster is unreachable; "
                            + "then that poll fails, nothing is checkpointed, and the next poll publishes them")
            .define(
                    METRICS_PORT,
                    Type.INT,
                    9401,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "Port of GET /metrics (Prometheus), /health/live and /health/ready of ingest run; 0: none");

    public IngestConfig(Map<String, ?> values) {
        super(DEFINITION, values);
    }
}
