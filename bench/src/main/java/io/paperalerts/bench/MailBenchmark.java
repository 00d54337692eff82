package io.paperalerts.bench;

import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.mail.SmtpMailSender;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.TestDigests;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Emails per second into a local SMTP server (GreenMail, in this JVM), rendering included: one
 * SMTP connection reused for every message, as the notifier does, against a new connection per
 * message. Rounds alternate between the two so that both see the same machine; the table gives
 * the median of the rounds and the ratio (docs/benchmarks.md).
 *
 * <pre>
 * java -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.MailBenchmark [seconds=5] [rounds=3]
 * </pre>
 */
public final class MailBenchmark {

    private MailBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        SyntheticCorpus corpus = new SyntheticCorpus(7, 40_000);
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            digests.add(digest("reader" + (i % 50) + "@example.org", corpus.paper(i)));
        }
        AlertMailer mailer = new AlertMailer("paper-alerts <alerts@example.org>");
        try (EmbeddedSmtpServer smtp = EmbeddedSmtpServer.start();
                SmtpMailSender sender = new SmtpMailSender(new NotifierConfig(
                        Map.of(MailConfig.SMTP_HOST, smtp.host(), MailConfig.SMTP_PORT, smtp.port())))) {
            // Warm up both paths: class loading, JIT, the server's threads.
            run(mailer, sender, digests, 2, true, smtp);
            run(mailer, sender, digests, 2, false, smtp);
            double[] reused = new double[rounds];
            double[] fresh = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                reused[r] = run(mailer, sender, digests, seconds, true, smtp);
                fresh[r] = run(mailer, sender, digests, seconds, false, smtp);
                System.err.printf("round %d: reused %.0f/s, new connection %.0f/s%n", r + 1, reused[r], fresh[r]);
            }
            double reusedMedian = median(reused);
            double freshMedian = median(fresh);
            System.out.printf(
                    "| SMTP connection | emails/s (median of %d rounds of %.0f s) | vs new connection |%n",
                    rounds, seconds);
            System.out.println("|---|---:|---:|");
            System.out.printf("| one, reused | %,.0f | %.1fx |%n", reusedMedian, reusedMedian / freshMedian);
            System.out.printf("| new per message | %,.0f | 1.0x |%n", freshMedian);
        }
    }

    private static double run(
            AlertMailer mailer,
            SmtpMailSender sender,
            List<Digest> digests,
            double seconds,
            boolean reuse,
            EmbeddedSmtpServer smtp)
            throws MessagingException {
        smtp.purge();
        sender.reset();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        int sent = 0;
        while (System.nanoTime() < deadline) {
            MimeMessage message = mailer.render(sender.session(), digests.get(sent % digests.size()));
            sender.send(message);
            if (!reuse) {
                sender.reset();
            }
            sent++;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        if (smtp.receivedMessages().size() != sent) {
            throw new IllegalStateException("Sent " + sent + " but the server has "
                    + smtp.receivedMessages().size());
        }
        return sent / elapsed;
    }

    private static Digest digest(String recipient, Paper paper) {
        Alert alert = TestDigests.alert(recipient, paper, "s1", "reward hacking", "reward");
        return Digest.newBuilder()
                .setId(paper.getId())
                .setRecipient(recipient)
                .setKind(DigestKind.INSTANT)
                .setPeriodStart(Instant.now())
                .setPeriodEnd(Instant.now())
                .setAlerts(List.of(alert))
                .build();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
