package io.paperalerts.operations;

import io.paperalerts.kafka.KafkaProblem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background loop of a service (following a topic, working through requests) that cannot die
 * unnoticed. Its body runs on a thread of its own until the worker is closed; a body that throws, or
 * returns while not asked to stop, is not ready at once, and is started again after a backoff. After
 * {@code maxRestarts} deaths in a row (a run as long as the backoff's maximum starts the count again)
 * the worker gives up: {@link #gaveUp()} completes, and the service, which waits on it, exits
 * non-zero for its supervisor to restart the process. A refusal by the cluster (credentials, ACLs:
 * a {@link KafkaProblem}) gives up at once: every later run would be refused too.
 */
public final class SupervisedWorker implements AutoCloseable {

    /** The loop. It returns when {@code stopping} is, and throws what it cannot handle. */
    @FunctionalInterface
    public interface Body {
        void run(Stopping stopping) throws Exception;
    }

    /** What a body asks of its worker. */
    public interface Stopping {
        boolean requested();

        /** Waits up to {@code time}, or less if asked to stop. @return whether asked to stop */
        boolean await(Duration time) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(SupervisedWorker.class);

    private final String name;
    private final Body body;
    private final Backoff backoff;
    private final int maxRestarts;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private final Thread thread;
    /** Null while the body runs; else why it does not. */
    private volatile String down = "not started";

    private final Stopping stop = new Stopping() {
        @Override
        public boolean requested() {
            return stopping.getCount() == 0;
        }

        @Override
        public boolean await(Duration time) throws InterruptedException {
            return stopping.await(time.toMillis(), TimeUnit.MILLISECONDS);
        }
    };

    public SupervisedWorker(String name, Backoff backoff, int maxRestarts, Body body) {
        this.name = name;
        this.body = body;
        this.backoff = backoff;
        this.maxRestarts = maxRestarts;
        this.thread = new Thread(this::supervise, name);
        this.thread.setDaemon(true);
    }

    /** Restarts after 1 s, doubling up to a minute, and gives up after ten deaths in a row. */
    public static SupervisedWorker of(String name, Body body) {
        return new SupervisedWorker(name, Backoff.ofMillis(1_000, 60_000), 10, body);
    }

    public SupervisedWorker start() {
        thread.start();
        return this;
    }

    public String name() {
        return name;
    }

    /** Times its body died and was started again. */
    public int restarts() {
        return restarts.get();
    }

    /** Completes, with the last death, when the worker stopped for good: the service must exit. */
    public CompletableFuture<Throwable> gaveUp() {
        return gaveUp;
    }

    /** Completes, with its cause, as soon as one of {@code gaveUp} does: the service must exit. */
    public static CompletableFuture<Throwable> first(List<CompletableFuture<Throwable>> gaveUp) {
        return CompletableFuture.anyOf(gaveUp.toArray(CompletableFuture[]::new)).thenApply(Throwable.class::cast);
    }

    /** Live unless it gave up; ready while its body runs. */
    public Health health() {
        return Health.of(
                () -> gaveUp.isDone()
                        ? Health.Status.down(name + " stopped for good: " + gaveUp.join())
                        : Health.Status.up(),
                () -> {
                    String why = down;
                    return why == null ? Health.Status.up() : Health.Status.down(name + " " + why);
                });
    }

    private void supervise() {
        int deathsInARow = 0;
        while (!stop.requested()) {
            long started = System.nanoTime();
            Throwable death;
            down = null;
            try {
                body.run(stop);
                if (stop.requested()) {
                    return;
                }
                death = new IllegalStateException(name + " returned without being stopped");
            } catch (Exception | Error e) {
                if (stop.requested()) {
                    return;
                }
                death = e;
            }
            boolean ranLong = System.nanoTime() - started >= backoff.max().toNanos();
            deathsInARow = ranLong ? 1 : deathsInARow + 1;
            KafkaProblem refused = KafkaProblem.explain(death, null);
            if (refused != null) {
                down = "stopped for good: " + refused.getMessage();
                log.error("{} stopped for good: {}", name, refused.getMessage());
                gaveUp.complete(refused);
                return;
            }
            if (deathsInARow > maxRestarts) {
                down = "stopped for good after " + maxRestarts + " restarts: " + death;
                log.error("{} stopped for good after {} restarts in a row", name, maxRestarts, death);
                gaveUp.complete(death);
                return;
            }
            Duration wait = backoff.jittered(deathsInARow, ThreadLocalRandom.current()::nextDouble);
            down = "died (" + death + "); restarting in " + wait.toMillis() + " ms";
            log.warn("{} died, restarting in {} ms: {}", name, wait.toMillis(), death.toString(), death);
            restarts.incrementAndGet();
            try {
                // An interrupt that killed it is spent here: the wait must not end at once.
                if (Thread.interrupted()) {
                    log.debug("{} was interrupted", name);
                }
                if (stop.await(wait)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Asks the body to stop and waits up to 30 s for it. */
    @Override
    public void close() {
        stopping.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
