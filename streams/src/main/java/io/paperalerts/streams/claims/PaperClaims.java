package io.paperalerts.streams.claims;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.MatchAlerts;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The claim check of alerts: an alert names its paper (id, version, published date) and the paper
 * itself is stored once, in the {@code papers.alerted} table, rather than copied into every alert,
 * archive entry and digest buffer (a paper is ~1.5 KB and at 100,000 subscriptions has ~42 alerts,
 * each written about four times). The paper is fetched back where a whole one is needed: a digest
 * going out (the notifier reads whole papers) and an archive page or feed.
 *
 * <p>Alerts written before the claim check carry their whole paper and are used as they are, so
 * alerts, digest buffers and archives of the previous format need no migration.
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
        return whole;
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
