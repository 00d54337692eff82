package io.paperalerts.streams.failure;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the streams service does when something fails, in one place (docs/deployment.md, "what happens
 * when" table repeats it):
 * <ul>
 *   <li>a record that cannot be deserialized (poison): dead-lettered with the reason, processing
 *       goes on (Kafka Streams' deserialization handler, configured beside this);</li>
 *   <li>a record whose processing throws: dead-lettered with the exception, processing goes on,
 *       unless more than {@code streams.failed.records.max} fail within the window: then it is a
 *       fault of the code or the data as a whole, and the service stops with a non-zero exit so
 *       that a supervisor restarts it and someone looks (after a restart it fails the same way,
 *       which is the point: a crash loop is visible, a process that dead-letters everything is not);</li>
 *   <li>Kafka refusing the service (authentication, a missing ACL): a replaced thread would be
 *       refused again, so the service stops at once with a non-zero exit and one line naming
 *       the cause ({@link KafkaProblem});</li>
 *   <li>any other exception that kills a stream thread: the thread is replaced (its tasks restart
 *       from the last commit, exactly-once) up to {@code streams.thread.replacements.max} times
 *       within the window, then the service stops with a non-zero exit;</li>
 *   <li>the brokers unreachable: Kafka Streams retries with backoff and logs it; nothing to decide;</li>
 *   <li>Kafka Streams in ERROR (or stopped by anything but a clean shutdown): {@link #terminated()}
 *       completes and the process exits non-zero. Never a live process that does nothing.</li>
 * </ul>
 */
public final class StreamsFailurePolicy {

    /** The key under which Kafka Streams hands this policy to the processing handler it creates. */
    static final String CONFIG_KEY = "paper-alerts.failure.policy";

    private static final Logger log = LoggerFactory.getLogger(StreamsFailurePolicy.class);

    private final FailureBudget failedRecords;
    private final FailureBudget threadReplacements;
    private final CompletableFuture<String> terminated = new CompletableFuture<>();
    private volatile String systemicFailure;
    private volatile boolean closing;
    private final LongAdder deadLettered = new LongAdder();
    private volatile KafkaClients clients;

    public StreamsFailurePolicy(int maxFailedRecords, int maxThreadReplacements, Duration window, Clock clock) {
        this.failedRecords = new FailureBudget(maxFailedRecords, window, clock);
        this.threadReplacements = new FailureBudget(maxThreadReplacements, window, clock);
    }

    /** Records written to the dead-letter topic so far: unreadable ones and those whose processing threw. */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Puts this policy's handlers into the Kafka Streams properties. */
    public void configure(Map<Object, Object> streamsProperties) {
        streamsProperties.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringProcessingHandler.class);
        streamsProperties.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingDeserializationHandler.class);
        streamsProperties.put(CONFIG_KEY, this);
    }

    /** Installs the thread handler and the state listener on a client not yet started. */
    public void attach(KafkaStreams streams) {
        streams.setUncaughtExceptionHandler(this::onThreadDeath);
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.ERROR) {
                terminate("Kafka Streams is in ERROR" + (systemicFailure == null ? "" : ": " + systemicFailure));
            } else if (newState == KafkaStreams.State.NOT_RUNNING && !closing) {
                terminate("Kafka Streams stopped without being asked to");
            }
        });
    }

    /** The clients whose principal a refusal names. */
    public void explainWith(KafkaClients clients) {
        this.clients = clients;
    }

    /** Called before a clean close, so that stopping is not mistaken for dying. */
    public void closing() {
        closing = true;
    }

    /** Completes with the reason when the service can no longer work and must exit non-zero. */
    public CompletableFuture<String> terminated() {
        return terminated;
    }

    StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onThreadDeath(Throwable e) {
        if (systemicFailure != null) {
            log.error("Stopping the streams service: {}", systemicFailure, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        KafkaProblem refused = KafkaProblem.explain(e, clients);
        if (refused != null) {
            systemicFailure = refused.getMessage();
            log.error("Stopping the streams service: {}", systemicFailure);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        if (threadReplacements.spend()) {
            log.warn("A stream thread died; replacing it (at most {}): {}", threadReplacements, e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        systemicFailure = "stream threads died more than " + threadReplacements + ", last: " + e;
        log.error("Stopping the streams service: {}", systemicFailure, e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private void terminate(String reason) {
        if (terminated.complete(reason)) {
            log.error("{}; the process exits non-zero so that its supervisor restarts it", reason);
        }
    }

    /** Decides for one record whose processing threw: set it aside, or stop everything. */
    ProcessingExceptionHandler.Response onRecordFailure(
            Exception exception, ProcessingExceptionHandler.Response deadLetter) {
        if (failedRecords.spend()) {
            deadLettered.increment();
            return deadLetter;
        }
        systemicFailure = "more records failed than " + failedRecords + ", last: " + exception;
        return ProcessingExceptionHandler.Response.fail(deadLetter.deadLetterQueueRecords());
    }

    /**
     * Kafka's log-and-continue handler (which builds the dead-letter record with the exception in
     * its headers, KIP-1034) within this policy's budget. Public for Kafka Streams to instantiate.
     */
    public static final class DeadLetteringProcessingHandler extends LogAndContinueProcessingExceptionHandler {

        private StreamsFailurePolicy policy;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            Object configured = configs.get(CONFIG_KEY);
            if (!(configured instanceof StreamsFailurePolicy p)) {
                throw new IllegalStateException(
                        CONFIG_KEY + " is not set: install the handler with StreamsFailurePolicy.configure");
            }
            this.policy = p;
        }

        @Override
        public ProcessingExceptionHandler.Response handleError(
                ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            return policy.onRecordFailure(exception, super.handleError(context, record, exception));
        }
    }

    /**
     * Kafka's log-and-continue handler for records that cannot be read (it dead-letters them, with
     * the topic configured), counted for the service's metrics.
     */
    public static final class CountingDeserializationHandler extends LogAndContinueExceptionHandler {

        private StreamsFailurePolicy policy;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            if (configs.get(CONFIG_KEY) instanceof StreamsFailurePolicy p) {
                this.policy = p;
            }
        }

        @Override
        public DeserializationExceptionHandler.Response handleError(
                ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            if (policy != null) {
                policy.deadLettered.increment();
            }
            return super.handleError(context, record, exception);
        }
    }
}
