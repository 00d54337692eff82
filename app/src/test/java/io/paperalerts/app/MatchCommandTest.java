package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchCommandTest {

    @TempDir
    Path dir;

    private Path papers() throws Exception {
        Path file = dir.resolve("papers.jsonl");
        Files.writeString(file, """
                {"id":"p1","title":"Reward Models for Diffusion","abstract":"We train reward models."}
                {"id":"p2","title":"Sorting","abstract":"Quicksort."}
                {"id":"p1","title":"Reward Models for Diffusion (v2)","abstract":"Again."}
                {"id":"p3","title":"Chain-of-Thought Rewards","abstract":"A reward model for chain of thought."}
                """);
        return file;
    }

    @Test
    void shouldPrintEachMatchingIdOnceInFileOrder() throws Exception {
        Cli run = Cli.run("match", "--query", "\"reward model\"", "--papers", papers().toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("p1", "p3");
    }

    @Test
    void shouldExplainWhyEachPaperMatched() throws Exception {
        Cli run =
                Cli.run("match", "--query", "\"reward model\" -sorting", "--papers", papers().toString(), "--explain");

        assertThat(run.out().lines())
                .containsExactly(
                        "p1\tmatched: Reward Models\tReward Models for Diffusion",
                        "p3\tmatched: reward model\tA reward model for chain of thought.");
    }

    @Test
    void shouldFilterByUpvotesAndExplainTheCount() throws Exception {
        Path file = dir.resolve("upvoted.jsonl");
        Files.writeString(file, """
                {"id":"u12","title":"A reward model","upvotes":12}
                {"id":"u25","title":"A better reward model","upvotes":25}
                {"id":"none","title":"A reward model from arXiv only"}
                """);

        Cli run =
                Cli.run("match", "--query", "\"reward model\" upvotes:>=20", "--papers", file.toString(), "--explain");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("u25\tmatched: reward model, 25 upvotes\tA better reward model");
    }

    @Test
    void shouldRefuseAnInvalidUpvoteFilterWithItsPosition() throws Exception {
        Cli run = Cli.run("match", "--query", "reward upvotes:20..", "--papers", papers().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("invalid upvote filter 'upvotes:20..' at position 8");
    }

    @Test
    void shouldRefuseAnInvalidQueryWithTheReasonAndANonZeroStatus() throws Exception {
        Cli run = Cli.run("match", "--query", "title:(reward", "--papers", papers().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("invalid query: unbalanced parentheses: '(' at position 7 is never closed");
        assertThat(run.out()).isEmpty();
    }
}
