package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.local.EmbeddedSmtpServer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
        Cli run = Cli.run(
                "demo",
                "--papers",
                papers.toString(),
                "--subscribe",
                "me@example.org=reward hacking",
                "--out",
                out.toString());

        // Then it succeeds and emails me exactly the two matching papers, together in one email
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<MimeMessage> emails = readEmails(out);
        assertThat(emails).singleElement().satisfies(email -> {
            assertThat(email.getSubject()).isEqualTo("[paper-alerts] 2 new papers for \u201creward hacking\u201d");
            assertThat(email.getAllRecipients()).extracting(Object::toString).containsExactly("me@example.org");
            assertThat(paperIds(email)).containsExactlyInAnyOrder("mine-1", "mine-2");
        });
        assertThat(run.out())
                .contains("me@example.org", "[paper-alerts] 2 new papers for ")
                .contains("3 papers ingested, 1 rejected, 2 matched; 1 emails sent")
                .contains("line 4: malformed JSON");
    }

    @Test
    @Timeout(180)
    void shouldShowInstantDailyAndTrendingEmailsOfRealPapersWhoseEveryLinkAnswersWhileItServes() throws Exception {
        Path out = dir.resolve("sample-out");
        int port = EmbeddedSmtpServer.freePort();
        StringWriter printed = new StringWriter();
        CommandLine cli = PaperAlertsCommand.commandLine();
        cli.setOut(new PrintWriter(printed, true));
        StringWriter errors = new StringWriter();
        cli.setErr(new PrintWriter(errors, true));
        AtomicInteger exit = new AtomicInteger(-1);

        // When the README's demo runs with --serve
        Thread demo = new Thread(
                () -> exit.set(cli.execute("demo", "--out", out.toString(), "--port", String.valueOf(port), "--serve")),
                "demo");
        demo.start();
        try {
            await().atMost(Duration.ofSeconds(150))
                    .until(() -> printed.toString().contains("Serving http://localhost:" + port) || !demo.isAlive());
            String output = printed.toString();
            assertThat(output).as(errors.toString()).contains("Serving http://localhost:" + port);

            // Then real papers came in, and the emails show them: one instant, one daily digest, one trending ranking
            assertThat(output).containsPattern("4\\d papers ingested, 0 rejected");
            List<MimeMessage> emails = readEmails(out);
            assertThat(emails)
                    .extracting(MimeMessage::getSubject)
                    .anySatisfy(subject -> assertThat(subject).startsWith("[paper-alerts] Trending on "))
                    .anySatisfy(subject -> assertThat(subject).startsWith("[paper-alerts] Daily digest, "))
                    .anySatisfy(subject -> assertThat(subject).contains("new papers for"));
            Set<String> links = new TreeSet<>();
            for (MimeMessage email : emails) {
                Document html = Jsoup.parse((String)
                        ((MimeMultipart) email.getContent()).getBodyPart(1).getContent());
                // Every paper with its authors and a link to its page at arXiv
                assertThat(html.select(".paper"))
                        .as(email.getSubject())
                        .isNotEmpty()
                        .allSatisfy(paper -> {
                            assertThat(paper.selectFirst(".title a").attr("href"))
                                    .startsWith("https://arxiv.org/abs/");
                            assertThat(paper.selectFirst(".authors").text()).isNotBlank();
                        });
                html.select("a[href^=http://localhost]").forEach(a -> links.add(a.attr("href")));
            }
            // And every link of this run's pages, in the emails and printed, answers while it serves
            Matcher printedLink =
                    Pattern.compile("http://localhost:" + port + "/\\S*").matcher(output);
            while (printedLink.find()) {
                links.add(printedLink.group().replaceAll("[),]+$", ""));
            }
            assertThat(links)
                    .anyMatch(l -> l.contains("/manage?"))
                    .anyMatch(l -> l.contains("/unsubscribe?"))
                    .anyMatch(l -> l.endsWith("/atom"))
                    .anyMatch(l -> l.endsWith("/json"))
                    .anyMatch(l -> l.matches(".*/archive/[^/]+/[^/]+"));
            HttpClient http = HttpClient.newHttpClient();
            for (String link : links) {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(link).isEqualTo(200);
            }
        } finally {
            // Ctrl-C, for a demo in this JVM
            demo.interrupt();
            demo.join(60_000);
        }
        assertThat(exit.get()).as(errors.toString()).isZero();
    }

    @Test
    void shouldRefuseAMalformedSubscriptionNamingIt() {
        Cli run = Cli.run(
                "demo",
                "--subscribe",
                "no-equals-sign",
                "--out",
                dir.resolve("x").toString());

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
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    emails.add(new MimeMessage(session, in));
                }
            }
        }
        return emails;
    }
}
