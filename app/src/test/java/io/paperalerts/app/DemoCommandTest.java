package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run in-process on its own embedded broker and SMTP server. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteExactlyTheMatchingEmailsForMyPapersAndMySubscription() throws Exception {
        // Given my own papers: two about reward hacking (one in the abstract only), one not, one broken
        Path papers = dir.resolve("my.jsonl");
        Files.writeString(papers, """
                {"id":"mine-1","title":"Reward Hacking in RLHF","abstract":"A study."}
                {"id":"mine-2","title":"Sorting things","abstract":"Quicksort is not about reward hacking."}
                {"id":"mine-3","title":"Protein folding","abstract":"Nothing about rewards."}
                not json at all
                """);
        Path out = dir.resolve("out");

        // When the demo runs with my subscription
        Cli run = Cli.run("demo", "--papers", papers.toString(), "--subscribe", "me@example.org=reward hacking",
                "--out", out.toString());

        // Then it succeeds and emails me exactly the two matching papers, together in one email
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<MimeMessage> emails = readEmails(out);
        assertThat(emails).singleElement().satisfies(email -> {
            assertThat(email.getSubject()).isEqualTo("[paper-alerts] 2 new papers for \u201creward hacking\u201d");
            assertThat(email.getAllRecipients()).extracting(Object::toString).containsExactly("me@example.org");
            assertThat(paperIds(email)).containsExactlyInAnyOrder("mine-1", "mine-2");
        });
        assertThat(run.out()).contains("me@example.org", "[paper-alerts] 2 new papers for ")
                .contains("3 papers ingested, 1 rejected, 2 matched; 1 emails sent")
                .contains("line 4: malformed JSON");
    }

    @Test
    void shouldEmailTheSampleSubscribersAboutTheBundledPapers() throws Exception {
        Path out = dir.resolve("sample-out");

        Cli run = Cli.run("demo", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("67 papers ingested, 0 rejected");
        List<MimeMessage> emails = readEmails(out);
        // Each (recipient, paper) once, however the instant windows grouped them: Ada's two
        // subscriptions share a paper where both match; Grace's excludes text-to-image papers,
        // so TempFlow-GRPO (seed-058) is not hers
        List<String> pairs = new ArrayList<>();
        for (MimeMessage email : emails) {
            String recipient = email.getAllRecipients()[0].toString();
            paperIds(email).forEach(id -> pairs.add(recipient + " " + id));
        }
        assertThat(pairs).as(run.out()).hasSize(25).doesNotHaveDuplicates()
                .contains("ada@example.org seed-038", "grace@example.org seed-032", "alan@example.org seed-035")
                .doesNotContain("grace@example.org seed-058");
        assertThat(emails).extracting(m -> m.getAllRecipients()[0].toString())
                .containsOnly("ada@example.org", "grace@example.org", "alan@example.org");

    }

    @Test
    void shouldRefuseAMalformedSubscriptionNamingIt() {
        Cli run = Cli.run("demo", "--subscribe", "no-equals-sign", "--out", dir.resolve("x").toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--subscribe: expected EMAIL=QUERY").contains("no-equals-sign");
    }

    private static List<String> paperIds(MimeMessage email) throws Exception {
        return List.of(email.getHeader("X-Paper-Ids")[0].split(" "));
    }

    private static List<MimeMessage> readEmails(Path out) throws Exception {
        Session session = Session.getInstance(new Properties());
        List<MimeMessage> emails = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    emails.add(new MimeMessage(session, in));
                }
            }
        }
        return emails;
    }
}
