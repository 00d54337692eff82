package io.paperalerts.streams.claims;

import io.paperalerts.avro.ShallowCopy;
import io.paperalerts.matching.Explanation;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.SnippetCut;
import io.paperalerts.streams.MatchAlerts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The claim check of alerts: an alert names its paper (id, version, published date) and the paper
 * itself is stored once, in the {@code papers.alerted} table, rather than copied into every alert,
 * archive entry and digest buffer (a paper is ~1.5 KB and at 100,000 subscriptions has ~42 alerts,
 * each written about four times). The paper is fetched back where a whole one is needed: a digest
 * going out (the notifier reads whole papers) and an archive page or feed.
 *
 * <p>The snippet of each reason (~200 characters of the title or abstract, as much as the rest of
 * an alert by reference) is cut from the paper again in the same way: such an alert keeps only
 * where it was cut ({@link #withCuts}), and its text comes back with the paper.
 *
 * <p>Alerts written before the claim check carry their whole paper and are used as they are, and
 * those written before snippets were cut again carry their text, so alerts, digest buffers and
 * archives of the previous formats need no migration.
 */
public final class PaperClaims {

    /** The global store of {@code papers.alerted}, on every instance. */
    public static final String STORE = "papers-alerted-store";

    private PaperClaims() {}

    /**
     * What an alert by reference keeps of its paper: what its keys and order need (the archive's date is the
     * published one). Title and source are required fields, left empty.
     */
    public static Paper reference(Paper paper) {
        return Paper.newBuilder()
                .setId(paper.getId())
                .setVersion(paper.getVersion())
                .setTitle("")
                .setSource("")
                .setPublished(paper.getPublished())
                .build();
    }

    /**
     * The alert with its whole paper, or {@code null} while the table does not hold the paper yet
     * (the table is read by its own thread and may trail the alerts by moments).
     *
     * @param papers the table: the paper of an id, or {@code null}
     */
    public static Alert redeemed(Alert alert, Function<String, Paper> papers) {
        if (!alert.getPaperByReference()) {
            return alert;
        }
        Paper paper = papers.apply(alert.getPaper().getId());
        if (paper == null) {
            return null;
        }
        // The table holds the paper's latest version, which is what a reader should see now.
        Alert whole = MatchAlerts.copyOf(alert);
        whole.setPaper(paper);
        whole.setPaperByReference(false);
        if (alert.getReasons().stream().anyMatch(r -> r.getSnippetCut() != null)) {
            whole.setReasons(alert.getReasons().stream()
                    .map(reason -> withSnippet(reason, paper))
                    .toList());
        }
        return whole;
    }

    /**
     * The alert by reference of a paper: each reason keeps where its snippet is cut from the paper in
     * place of the text. Changes the alert, which its maker has not let go of yet.
     *
     * @param paper the whole paper the explanations were made of
     * @param explanations by subscription id, why each of the alert's subscriptions matched
     */
    public static Alert withCuts(Alert alert, Paper paper, Map<String, Explanation> explanations) {
        for (MatchReason reason : alert.getReasons()) {
            Explanation why = explanations.get(reason.getSubscriptionId());
            Explanation.Cut cut = why == null ? null : why.cut();
            String source = cut == null ? null : cut.source(paper);
            if (source != null) {
                reason.setSnippet("");
                reason.setSnippetCut(new SnippetCut(cut.inTitle(), cut.from(), cut.to(), source.hashCode()));
            }
        }
        return alert;
    }

    /**
     * The reason with its snippet's text, cut from the paper again. A paper whose title or abstract
     * changed since (a new version) gets no snippet: the email and the archive page then show the
     * abstract where it mentions the matched words, of the text as it is now.
     */
    private static MatchReason withSnippet(MatchReason reason, Paper paper) {
        SnippetCut at = reason.getSnippetCut();
        if (at == null) {
            return reason;
        }
        Explanation.Cut cut = new Explanation.Cut(at.getInTitle(), at.getFrom(), at.getTo());
        String source = cut.source(paper);
        String text = source != null && source.hashCode() == at.getSourceHash() ? cut.text(source) : null;
        MatchReason restored = ShallowCopy.of(reason, new MatchReason());
        restored.setSnippet(text == null ? "" : text);
        restored.setSnippetCut(null);
        return restored;
    }

    /** Every alert with its whole paper, in order; {@code null} if any paper is not in the table yet. */
    public static List<Alert> redeemed(List<Alert> alerts, Function<String, Paper> papers) {
        List<Alert> whole = new ArrayList<>(alerts.size());
        for (Alert alert : alerts) {
            Alert redeemed = redeemed(alert, papers);
            if (redeemed == null) {
                return null;
            }
            whole.add(redeemed);
        }
        return whole;
    }
}
