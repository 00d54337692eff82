package io.paperalerts.registration;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.paperalerts.mail.LinkTokens;
import io.paperalerts.mail.MailText;
import io.paperalerts.queries.ReaderOpinions;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import java.time.Clock;
import java.util.Locale;

/**
 * The pages the "more like this" and "less like this" links of digests lead to. The link (signed
 * for its reader and paper, of the address's current link generation) opens a page that asks; the
 * button POSTs, so a mail scanner that follows every link changes nothing. What was said can be
 * undone there at once, or later on the manage page.
 */
final class FeedbackPages {

    static final String ACTION = "feedback";
    /** The longest paper id the manage page's undo takes; ids are far shorter. */
    private static final int MAX_PAPER_ID = 200;

    private final LinkChecks checks;
    private final ReaderOpinions opinions;
    private final FeedbackWriter writer;
    private final Clock clock;

    FeedbackPages(LinkChecks checks, ReaderOpinions opinions, FeedbackWriter writer, Clock clock) {
        this.checks = checks;
        this.opinions = opinions;
        this.writer = writer;
        this.clock = clock;
    }

    /** GET: asks, with the opinion of the link the reader clicked as the first button. */
    void page(Context ctx) {
        String token = ctx.queryParam("token");
        LinkTokens.Claims claims = checks.verifyPage(ctx, token, ACTION);
        if (claims == null) {
            return;
        }
        Opinion asked = opinion(ctx.queryParam("opinion"));
        ctx.html(Pages.feedback(title(paperId(claims)), claims.recipient(), token, asked != Opinion.LESS));
    }

    /** POST: saves the opinion, once the broker has it. */
    void save(Context ctx) {
        String token = ctx.formParam("token");
        LinkTokens.Claims claims = checks.verifyPage(ctx, token, ACTION);
        if (claims == null) {
            return;
        }
        Opinion opinion = opinion(ctx.formParam("opinion"));
        if (opinion == null) {
            refuse(ctx, HttpStatus.BAD_REQUEST, "The opinion must be \"more\" or \"less\".");
            return;
        }
        String paperId = paperId(claims);
        String title = title(paperId);
        try {
            writer.record(Recipients.of(claims.recipient()), paperId, title, opinion, clock.instant());
        } catch (ApiError e) {
            refuse(ctx, HttpStatus.forStatus(e.status), e.getMessage());
            return;
        }
        ctx.html(Pages.feedbackSaved(
                (opinion == Opinion.MORE
                                ? "Papers like \u201c" + title + "\u201d will rank higher"
                                : "Papers like \u201c" + title + "\u201d will rank lower")
                        + " in your digests, from the next one on.",
                "/feedback/undo",
                token,
                checks.links().manage(claims.recipient())));
    }

    /** POST from the page that said "noted": takes the opinion back. */
    void undo(Context ctx) {
        LinkTokens.Claims claims = checks.verifyPage(ctx, ctx.formParam("token"), ACTION);
        if (claims == null) {
            return;
        }
        try {
            writer.undo(Recipients.of(claims.recipient()), paperId(claims));
        } catch (ApiError e) {
            refuse(ctx, HttpStatus.forStatus(e.status), e.getMessage());
            return;
        }
        ctx.html(Pages.message(
                "Undone",
                "Your digests no longer take this paper into account.",
                true,
                checks.links().manage(claims.recipient())));
    }

    /** POST from the manage page: takes back the opinion of the paper in the form. */
    void manageUndo(Context ctx) {
        String token = ctx.queryParam("token");
        String recipient = checks.verify(token, "manage").recipient();
        String paperId = ctx.formParam("paper");
        if (paperId == null
                || paperId.isBlank()
                || paperId.length() > MAX_PAPER_ID
                || paperId.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.invalid("paper", "must be the id of a paper you gave feedback on");
        }
        // The key is the token's reader's: another reader's opinion cannot be named.
        writer.undo(Recipients.of(recipient), paperId);
        ctx.redirect("/manage?token=" + Pages.url(token), HttpStatus.SEE_OTHER);
    }

    private static String paperId(LinkTokens.Claims claims) {
        if (claims.subscriptionIds().size() != 1) {
            throw ApiError.forbidden("this token is not for " + ACTION);
        }
        return claims.subscriptionIds().get(0);
    }

    private String title(String paperId) {
        return opinions.alertedPaper(paperId)
                .map(Paper::getTitle)
                .map(MailText::oneLine)
                .filter(t -> !t.isBlank())
                .orElse(paperId);
    }

    /** null unless "more" or "less" (any case). */
    private static Opinion opinion(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "more" -> Opinion.MORE;
            case "less" -> Opinion.LESS;
            default -> null;
        };
    }

    private static void refuse(Context ctx, HttpStatus status, String reason) {
        ctx.status(status).html(Pages.message("Not saved", reason, false));
    }
}
