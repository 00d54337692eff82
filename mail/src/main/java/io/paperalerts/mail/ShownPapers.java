package io.paperalerts.mail;

import io.paperalerts.avro.ShallowCopy;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.List;

/**
 * Digests cut to what their emails show of each paper. A digest carries its papers, so that the
 * notifier reads no other topic, but its email shows a paper's title, links, first authors, first
 * categories, date, upvotes and a snippet of its abstract: the rest (most of a ~1.5 KB paper) would
 * be written to {@code digests} once per recipient for nothing, 920 of the 1,603 bytes written per
 * alert at 100,000 subscriptions (docs/benchmarks.md).
 *
 * <p>The email rendered from the cut digest is the one rendered from the whole (a test renders
 * both). The abstract's snippet, when the email shows it, takes the place of the first reason's
 * snippet: a notifier of any version shows that one as it is, whereas it would cut an abstract.
 */
public final class ShownPapers {

    private ShownPapers() {}

    /** @return the digest with each paper cut; {@code null} for {@code null} (an erasure's record) */
    public static Digest of(Digest digest) {
        if (digest == null) {
            return null;
        }
        List<Alert> alerts = new ArrayList<>(digest.getAlerts().size());
        digest.getAlerts().forEach(alert -> alerts.add(of(alert)));
        Digest shown = ShallowCopy.of(digest, new Digest());
        shown.setAlerts(alerts);
        return shown;
    }

    static Alert of(Alert alert) {
        if (alert.getPaperByReference()) {
            // A claim check holds no more than its paper's id: nothing to cut.
            return alert;
        }
        Paper paper = alert.getPaper();
        Paper shown = of(paper);
        Alert cut = ShallowCopy.of(alert, new Alert());
        cut.setPaper(shown);
        String abstractSnippet = AlertMailer.abstractSnippet(alert);
        if (abstractSnippet == null || abstractSnippet.isEmpty()) {
            return cut;
        }
        if (alert.getReasons().isEmpty() || abstractSnippet.equals(MailText.oneLine(paper.getTitle()))) {
            // No reason to carry it, or the email would take it for the title's: the abstract stays.
            shown.setAbstractText(paper.getAbstractText());
            return cut;
        }
        List<MatchReason> reasons = new ArrayList<>(alert.getReasons());
        MatchReason first = ShallowCopy.of(reasons.get(0), new MatchReason());
        first.setSnippet(abstractSnippet);
        reasons.set(0, first);
        cut.setReasons(reasons);
        return cut;
    }

    /**
     * What an email shows of a recommended paper: as {@link #of(Paper)}, with the beginning of its
     * abstract as its snippet (no match to show the words around).
     */
    public static Paper recommended(Paper paper) {
        Paper shown = of(paper);
        shown.setAbstractText(MailText.snippet(paper.getAbstractText()));
        return shown;
    }

    /** What an email shows of a paper besides a snippet of its abstract: the abstract is left out. */
    public static Paper of(Paper paper) {
        Paper shown = new Paper();
        shown.setId(paper.getId());
        shown.setVersion(paper.getVersion());
        shown.setTitle(paper.getTitle());
        shown.setSource(paper.getSource());
        shown.setPublished(paper.getPublished());
        shown.setUrl(paper.getUrl());
        shown.setPdfUrl(paper.getPdfUrl());
        shown.setUpvotes(paper.getUpvotes());
        // One author more than listed: the email says "et al." when there are more.
        shown.setAuthors(firstShown(paper.getAuthors(), MailText.MAX_AUTHORS + 1));
        shown.setCategories(firstShown(paper.getCategories(), MailText.MAX_CATEGORIES));
        shown.setAbstractText("");
        return shown;
    }

    /** The first values up to {@code shown} that an email lists (blank ones it skips are kept with them). */
    private static List<String> firstShown(List<String> values, int shown) {
        List<String> kept = new ArrayList<>();
        int listed = 0;
        for (String value : values) {
            if (listed == shown) {
                break;
            }
            kept.add(value);
            if (!MailText.oneLine(value).isEmpty()) {
                listed++;
            }
        }
        return kept;
    }
}
