package io.paperalerts.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a long-running service command ends: on a signal (exit 0, after a clean close) or when the
 * service can no longer work (exit 1, so that its supervisor restarts it). Never a live process
 * that does nothing. The service is closed once, whichever comes first.
 */
final class UntilStopped {

    private UntilStopped() {}

    /**
     * @param name names the shutdown thread
     * @param died completes when the service can no longer work
     * @param close closes the service
     * @return the exit status
     */
    static int await(String name, CompletableFuture<?> died, Runnable close)
            throws InterruptedException, ExecutionException {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeOnce = () -> {
            if (closed.compareAndSet(false, true)) {
                close.run();
            }
        };
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            closeOnce.run();
                            exit.complete(0);
                        },
                        name + "-shutdown"));
        died.thenRun(() -> exit.complete(1));
        int status = exit.get();
        closeOnce.run();
        return status;
    }
}
