package io.paperalerts.registration;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailLinks;
import io.paperalerts.mail.MailText;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.queries.ReaderOpinions;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The pages the links in emails lead to (confirm, manage, unsubscribe). A GET never changes
 * anything (mail scanners follow links); a button POSTs.
 */
final class SubscriptionPages {

    private final Subscriptions subscriptions;
    private final LinkChecks checks;
    private final MailLinks links;
    private final SubscriptionMatcher checker;
    private final SubscriberErasure erasure;
    private final RateLimits limits;
    private final MatchArchive archive;
    private final ReaderOpinions opinions;
    private final ArchiveForwarding forwarding;
    private final Clock clock;

    /**
     * @param archive says which instance holds a reader's feedback (that of its archive)
     * @param opinions the readers' feedback, listed on the manage page
     */
    SubscriptionPages(
            Subscriptions subscriptions,
            LinkChecks checks,
            SubscriptionMatcher checker,
            SubscriberErasure erasure,
            RateLimits limits,
            MatchArchive archive,
            ReaderOpinions opinions,
            ArchiveForwarding forwarding,
            Clock clock) {
        this.archive = archive;
        this.opinions = opinions;
        this.forwarding = forwarding;
        this.subscriptions = subscriptions;
        this.checks = checks;
        this.links = checks.links();
        this.checker = checker;
        this.erasure = erasure;
        this.limits = limits;
        this.clock = clock;
    }

    void confirmPage(Context ctx) {
        var claims = checks.verifyPage(ctx, ctx.queryParam("token"), "confirm");
        if (claims == null) {
            return;
        }
        Optional<Subscription> subscription =
                subscriptions.find(claims.subscriptionIds().get(0));
        if (subscription.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND)
                    .html(Pages.message("Not found", "This subscription no longer exists.", false));
            return;
        }
        ctx.html(Pages.confirm(subscription.get(), ctx.queryParam("token")));
    }

    void confirmForm(Context ctx) {
        var claims = checks.verifyPage(ctx, ctx.formParam("token"), "confirm");
        if (claims == null) {
            return;
        }
        boolean already = subscriptions.activate(claims.subscriptionIds().get(0));
        ctx.html(Pages.message(
                already ? "Already active" : "Subscription confirmed",
                already
                        ? "This subscription is already active."
                        : "Your subscription is active: matching papers will be emailed to " + claims.recipient() + ".",
                true,
                links.manage(claims.recipient())));
    }

    void managePage(Context ctx) {
        var claims = checks.verifyPage(ctx, ctx.queryParam("token"), "manage");
        if (claims == null) {
            return;
        }
        String token = ctx.queryParam("token");
        String recipient = Recipients.of(claims.recipient());
        // The reader's feedback is in the store of the instance that holds its alerts' partition:
        // that instance renders the page (it checks the token itself).
        MatchArchive.Location location = archive.locate(recipient);
        if (location instanceof MatchArchive.Elsewhere owner && ctx.header(ArchiveForwarding.FORWARDED) == null) {
            forwarding.forward(ctx, owner);
            return;
        }
        ctx.html(Pages.manage(
                claims.recipient(),
                subscriptions.shownTo(claims.recipient()).stream()
                        .map(s -> managed(s, token))
                        .toList(),
                "/manage/revoke-links?token=" + Pages.url(token),
                "/manage/forget?token=" + Pages.url(token),
                location instanceof MatchArchive.Here ? opinionsOf(recipient) : null,
                "/manage/feedback/undo?token=" + Pages.url(token)));
    }

    /** The reader's feedback, newest first; null if it cannot be read this instant (the partition is moving). */
    private List<ManagedOpinion> opinionsOf(String recipient) {
        try {
            return opinions.opinions(recipient).stream()
                    .sorted(Comparator.comparing(Feedback::getAt).reversed())
                    .map(f -> new ManagedOpinion(
                            f.getPaperId(),
                            f.getTitle().isBlank() ? f.getPaperId() : MailText.oneLine(f.getTitle()),
                            f.getOpinion() == Opinion.MORE ? "More" : "Less",
                            DateTimeFormatter.ISO_LOCAL_DATE.format(f.getAt().atOffset(ZoneOffset.UTC))))
                    .toList();
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }

    private ManagedSubscription managed(Subscription s, String token) {
        String id = Pages.url(s.getId());
        String query = "?token=" + Pages.url(token);
        String archive = s.getArchiveToken() == null ? null : links.archive(s.getId(), s.getArchiveToken());
        return new ManagedSubscription(
                s.getId(),
                s.getQuery(),
                AlertMailer.describe(s),
                s.getStatus().name().toLowerCase(Locale.ROOT),
                s.getDelivery().name().toLowerCase(Locale.ROOT),
                "/manage/" + id + query,
                "/manage/" + id + "/archive-address" + query,
                "/manage/" + id + "/delete" + query,
                archive,
                archive == null ? null : archive + ArchivePages.ATOM,
                archive == null ? null : archive + ArchivePages.JSON);
    }

    /** A new secret for the archive page and feeds: the old addresses answer 404 from now on. */
    void manageRenewArchive(Context ctx) {
        String token = ctx.queryParam("token");
        Subscription subscription = subscriptions.owned(
                ctx.pathParam("id"), checks.verify(token, "manage").recipient());
        subscriptions.writeAndAwait(Subscription.newBuilder(subscription)
                .setArchiveToken(SubscriptionRules.newArchiveToken())
                .build());
        ctx.redirect("/manage?token=" + Pages.url(token), HttpStatus.SEE_OTHER);
    }

    void manageUpdate(Context ctx) {
        String token = ctx.queryParam("token");
        Subscription subscription = subscriptions.owned(
                ctx.pathParam("id"), checks.verify(token, "manage").recipient());
        Subscription changed = Subscription.newBuilder(subscription)
                .setQuery(SubscriptionRules.query(ctx.formParam("query"), checker, subscription.getTrendingTop()))
                .setDelivery(SubscriptionRules.delivery(ctx.formParam("delivery"), subscription.getTrendingTop()))
                .build();
        subscriptions.writeAndAwait(changed);
        ctx.redirect("/manage?token=" + Pages.url(token), HttpStatus.SEE_OTHER);
    }

    /** Every manage link of the address sent so far, this one included, is refused from now on. */
    void manageRevokeLinks(Context ctx) {
        String recipient = checks.verify(ctx.queryParam("token"), "manage").recipient();
        checks.generations().revoke(recipient);
        ctx.html(Pages.message(
                "Manage links revoked",
                "Every manage link sent to " + recipient + " so far, this one "
                        + "included, is refused from now on. Ask for a new one on the subscribe page when you need it.",
                true));
    }

    /**
     * "Delete all my data": every subscription of the address (pending ones too) is removed, and
     * once the streams service shows it, the address is forgotten everywhere else (see
     * {@link SubscriberErasure}); this manage link and every other one stop working.
     */
    void manageForget(Context ctx) {
        String recipient = checks.verify(ctx.queryParam("token"), "manage").recipient();
        // Removed and seen gone first: no alert for them reaches the stores after the erasure.
        subscriptions.everyOf(recipient).forEach(subscriptions::remove);
        erasure.forget(recipient, List.of(), clock.instant());
        limits.forget(Recipients.of(recipient));
        ctx.html(Pages.message(
                "Your data is deleted",
                "paper-alerts has forgotten " + recipient + ": its "
                        + "subscriptions, archive pages and feeds, the digests not sent yet, the record of what was sent, "
                        + "and its manage links. Emails already in your inbox stay there. The week-long logs of sent "
                        + "alerts drop it within 7 days. You can subscribe again at any time.",
                true));
    }

    void manageDelete(Context ctx) {
        String token = ctx.queryParam("token");
        subscriptions.remove(subscriptions.owned(
                ctx.pathParam("id"), checks.verify(token, "manage").recipient()));
        ctx.redirect("/manage?token=" + Pages.url(token), HttpStatus.SEE_OTHER);
    }

    void unsubscribePage(Context ctx) {
        var claims = checks.verifyPage(ctx, ctx.queryParam("token"), "unsubscribe");
        if (claims != null) {
            ctx.html(Pages.unsubscribe(subscriptions.unsubscribed(claims), ctx.queryParam("token")));
        }
    }

    /** RFC 8058 one-click: the mail client POSTs {@code List-Unsubscribe=One-Click} to the link. */
    void unsubscribe(Context ctx) {
        var claims = checks.verifyPage(ctx, ctx.queryParam("token"), "unsubscribe");
        if (claims == null) {
            return;
        }
        for (Subscription s : subscriptions.unsubscribed(claims)) {
            if (s.getStatus() != SubscriptionStatus.CANCELLED) {
                subscriptions.writeAndAwait(Subscription.newBuilder(s)
                        .setStatus(SubscriptionStatus.CANCELLED)
                        .build());
            }
        }
        ctx.html(Pages.message(
                "Unsubscribed",
                "You are unsubscribed: these alerts will not be sent to " + claims.recipient() + " any more.",
                true));
    }
}
