package io.paperalerts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java program in a process of its own, on this JVM's class path: a Kafka broker or a
 * paper-alerts service, as a supervisor would run it. {@link #kill()} sends SIGKILL (no shutdown
 * hook runs, nothing is flushed), {@link #start()} runs it again with the same arguments; its
 * output goes to a log file that a failing test can show.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Map<String, String> environment = new HashMap<>();
    private Process process;
    private Instant startedAt;

    public JavaProcess(String name, Path log, List<String> jvmOptions, String mainClass, List<String> arguments) {
        this.name = name;
        this.log = log;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start: several of these share two cores with the test.
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        this.command = List.copyOf(command);
    }

    /** Adds environment variables to the process's (e.g. {@code PAPER_ALERTS_KAFKA_*} settings). */
    public synchronized JavaProcess environment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    public synchronized JavaProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    "=== start " + Instant.now() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            startedAt = Instant.now();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /** SIGTERM (shutdown hooks run), then SIGKILL if it has not ended within {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(grace)) {
                kill();
            }
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit status, or {@code null} while it runs. */
    public synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** The operating system's id of the running process. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    public synchronized Instant startedAt() {
        return startedAt;
    }

    public String name() {
        return name;
    }

    /** The last lines of its output, for a failure message. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return name + " (" + log + "):\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return name + ": no log (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
