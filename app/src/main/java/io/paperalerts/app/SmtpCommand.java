package io.paperalerts.app;

import io.paperalerts.local.EmbeddedSmtpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * An SMTP server to try paper-alerts with, on one machine: it keeps every email, delivers none,
 * writes each to a folder as an .eml file and prints its first link, so a confirmation can be
 * clicked without a mailbox. For production, point {@code mail.smtp.host} at a real server.
 */
@Command(
        name = "smtp",
        mixinStandardHelpOptions = true,
        description = "Run an SMTP server that catches every email (delivering none): prints each with its first "
                + "link and writes it to --out as an .eml file. For trying paper-alerts on one machine.")
final class SmtpCommand implements Callable<Integer> {

    private static final Pattern LINK = Pattern.compile("https?://\\S+");

    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}, where the services send by default)")
    int port = 1025;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the emails are written (default: ${DEFAULT-VALUE})")
    Path out = Path.of("mail-out");

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        PrintWriter console = spec.commandLine().getOut();
        EmbeddedSmtpServer smtp = EmbeddedSmtpServer.start(port);
        console.printf(
                "smtp ready: catching every email on localhost:%d, written to %s%n",
                smtp.port(), out.toAbsolutePath().normalize());
        console.flush();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "smtp-catcher");
            thread.setDaemon(true);
            return thread;
        });
        CompletableFuture<Void> died = new CompletableFuture<>();
        int[] written = {0};
        watcher.scheduleWithFixedDelay(
                () -> {
                    try {
                        List<MimeMessage> received = smtp.receivedMessages();
                        while (written[0] < received.size()) {
                            MimeMessage message = received.get(written[0]++);
                            Path file = out.resolve(String.format("%03d.eml", written[0]));
                            try (OutputStream stream = Files.newOutputStream(file)) {
                                message.writeTo(stream);
                            }
                            String link = firstLink(message);
                            console.printf(
                                    "%s to %s: %s%s%n",
                                    file.getFileName(),
                                    message.getAllRecipients()[0],
                                    message.getSubject(),
                                    link == null ? "" : "\n    " + link);
                            console.flush();
                        }
                    } catch (IOException | MessagingException | RuntimeException e) {
                        died.completeExceptionally(e);
                    }
                },
                200,
                200,
                TimeUnit.MILLISECONDS);
        died.whenComplete((ignored, e) -> spec.commandLine().getErr().println("Error: " + e));
        return UntilStopped.await("smtp", died, () -> {
            watcher.shutdownNow();
            smtp.close();
        });
    }

    /** The first link of the text part: the confirmation, or the first paper. */
    private static String firstLink(MimeMessage message) throws IOException, MessagingException {
        Object content = message.getContent();
        String text = content instanceof MimeMultipart parts
                ? String.valueOf(parts.getBodyPart(0).getContent())
                : String.valueOf(content);
        Matcher link = LINK.matcher(text);
        return link.find() ? link.group() : null;
    }
}
