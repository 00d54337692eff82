package io.paperalerts.registration;

import io.javalin.http.Context;
import io.paperalerts.mail.LinkTokens;
import io.paperalerts.mail.MailLinks;
import io.paperalerts.mail.ManageGenerations;

/**
 * Whether a link's token may do what it asks: signed by us, not expired, for that action, and for
 * a manage or feedback link, of the address's current generation.
 *
 * @param links unsubscribe and manage links
 * @param confirmTokens confirmation links, valid {@code registration.confirm.ttl.hours}
 */
record LinkChecks(MailLinks links, LinkTokens confirmTokens, ManageGenerations generations) {

    LinkTokens.Claims verify(String token, String action) {
        return verify(
                token,
                action,
                action.equals("confirm")
                        ? confirmTokens
                        : action.equals("manage") ? links.manageTokens() : links.tokens());
    }

    private LinkTokens.Claims verify(String token, String action, LinkTokens tokens) {
        if (token == null || token.isBlank()) {
            throw ApiError.forbidden("missing token");
        }
        LinkTokens.Claims claims;
        try {
            claims = tokens.verify(token);
        } catch (IllegalArgumentException e) {
            throw ApiError.forbidden(e.getMessage() == null ? "invalid token" : e.getMessage());
        }
        if (!claims.action().equals(action)
                || (action.equals("confirm") && claims.subscriptionIds().isEmpty())) {
            throw ApiError.forbidden("this token is not for " + action);
        }
        if (action.equals("manage") && claims.generation() != generations.current(claims.recipient())) {
            throw ApiError.forbidden(
                    "this manage link was revoked by its owner; ask for a new one on the subscribe page");
        }
        // Forgetting an address starts a new generation: its old emails' feedback links stop working.
        if (action.equals(FeedbackPages.ACTION) && claims.generation() != generations.current(claims.recipient())) {
            throw ApiError.forbidden("this link belongs to an address that was forgotten or revoked its links");
        }
        return claims;
    }

    /** Like {@link #verify}, but answers a refusal with a page; null when it did. */
    LinkTokens.Claims verifyPage(Context ctx, String token, String action) {
        try {
            return verify(token, action);
        } catch (ApiError e) {
            ctx.status(e.status)
                    .html(Pages.message(
                            "Link not valid",
                            "This link is not valid (" + e.getMessage()
                                    + "). Links expire; ask for a new one from the subscribe page.",
                            false));
            return null;
        }
    }
}
