package io.paperalerts.registration;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.paperalerts.mail.LinkTokens;
import io.paperalerts.mail.MailLinks;
import io.paperalerts.matching.Node;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import jakarta.mail.MessagingException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST API's routes (described at {@code /openapi.json}): each checks, then writes or reads. */
final class SubscriptionApi {

    static final int DEFAULT_PREVIEW = 20;
    private static final Logger log = LoggerFactory.getLogger(SubscriptionApi.class);

    private final RegistrationConfig config;
    private final Subscriptions subscriptions;
    private final LinkChecks checks;
    private final RequestGuards guards;
    private final RateLimits limits;
    private final MailLinks links;
    private final LinkTokens confirmTokens;
    private final ConfirmationMailer mailer;
    private final RecentPapers recent;
    private final SubscriptionMatcher checker;
    private final Clock clock;

    SubscriptionApi(
            RegistrationConfig config,
            Subscriptions subscriptions,
            LinkChecks checks,
            RequestGuards guards,
            RateLimits limits,
            ConfirmationMailer mailer,
            RecentPapers recent,
            SubscriptionMatcher checker,
            Clock clock) {
        this.config = config;
        this.subscriptions = subscriptions;
        this.checks = checks;
        this.guards = guards;
        this.limits = limits;
        this.links = checks.links();
        this.confirmTokens = checks.confirmTokens();
        this.mailer = mailer;
        this.recent = recent;
        this.checker = checker;
        this.clock = clock;
    }

    void register(Context ctx) throws MessagingException {
        SubscriptionForm form = SubscriptionForm.parse(
                JsonAnswers.jsonBody(ctx), checker, config.getInt(RegistrationConfig.MAX_BACKFILL_DAYS));
        limits.email(form.email(), guards.client(ctx));
        Subscription subscription = Subscription.newBuilder()
                .setId(SubscriptionRules.newId())
                .setArchiveToken(SubscriptionRules.newArchiveToken())
                .setEmail(form.email())
                .setQuery(form.query())
                .setDelivery(form.delivery())
                .setTimezone(form.timezone())
                .setBackfillDays(form.backfillDays())
                .setTrendingTop(form.trendingTop())
                .setStatus(SubscriptionStatus.PENDING)
                .setCreated(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .build();
        subscriptions.replacePending(form.email());
        subscriptions.write(subscription);
        String token = confirmTokens.sign("confirm", subscription.getEmail(), List.of(subscription.getId()));
        try {
            mailer.sendConfirmation(subscription, links.baseUrl() + "/confirm?token=" + token);
        } catch (MessagingException e) {
            log.warn("Cannot send the confirmation of {}: {}", subscription.getId(), e.toString());
            throw ApiError.unavailable("cannot send the confirmation email now; please try again later");
        }
        Map<String, Object> body = new LinkedHashMap<>(JsonAnswers.view(subscription));
        body.put(
                "message",
                "Check " + subscription.getEmail() + " for a confirmation link; nothing is sent until then.");
        JsonAnswers.json(ctx.status(HttpStatus.ACCEPTED), body);
    }

    void list(Context ctx) {
        String email = checks.verify(ctx.queryParam("token"), "manage").recipient();
        // The archive address only here, to the owner: never in the answer to a registration,
        // which anyone may make for any address.
        JsonAnswers.json(
                ctx,
                Map.of(
                        "email",
                        email,
                        "subscriptions",
                        subscriptions.shownTo(email).stream()
                                .map(s -> {
                                    Map<String, Object> view = JsonAnswers.view(s);
                                    if (s.getArchiveToken() != null) {
                                        view.put("archive", links.archive(s.getId(), s.getArchiveToken()));
                                    }
                                    return view;
                                })
                                .toList()));
    }

    void update(Context ctx) {
        Subscription subscription = subscriptions.owned(
                ctx.pathParam("id"),
                checks.verify(ctx.queryParam("token"), "manage").recipient());
        JsonNode body = JsonAnswers.jsonBody(ctx);
        if (!body.isObject()) {
            throw ApiError.invalid("body", "expected a JSON object");
        }
        Subscription changed = Subscription.newBuilder(subscription).build();
        if (body.hasNonNull("query")) {
            changed.setQuery(
                    SubscriptionRules.query(body.get("query").asText(), checker, subscription.getTrendingTop()));
        }
        if (body.hasNonNull("delivery")) {
            changed.setDelivery(
                    SubscriptionRules.delivery(body.get("delivery").asText(), subscription.getTrendingTop()));
        }
        if (body.hasNonNull("timezone")) {
            changed.setTimezone(SubscriptionRules.timezone(body.get("timezone").asText()));
        }
        subscriptions.writeAndAwait(changed);
        JsonAnswers.json(ctx, JsonAnswers.view(changed));
    }

    void delete(Context ctx) {
        Subscription subscription = subscriptions.owned(
                ctx.pathParam("id"),
                checks.verify(ctx.queryParam("token"), "manage").recipient());
        subscriptions.remove(subscription);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    void confirmApi(Context ctx) {
        var claims = checks.verify(ctx.queryParam("token"), "confirm");
        if (!claims.subscriptionIds().contains(ctx.pathParam("id"))) {
            throw ApiError.forbidden("this token does not confirm subscription " + ctx.pathParam("id"));
        }
        boolean already = subscriptions.activate(ctx.pathParam("id"));
        JsonAnswers.json(ctx, Map.of("id", ctx.pathParam("id"), "status", "active", "alreadyActive", already));
    }

    void manageLink(Context ctx) throws MessagingException {
        JsonNode body = JsonAnswers.jsonBody(ctx);
        String email = SubscriptionRules.email(
                body.hasNonNull("email") ? body.get("email").asText() : null);
        limits.email(email, guards.client(ctx));
        // Sent whether or not the address has subscriptions: the answer must not tell. Nothing is
        // stored, and the links sent before stay valid: anyone may ask for any address, and a request
        // that revoked them would let a stranger cut a subscriber off. Revoking is the manage page's.
        try {
            mailer.sendManageLink(email, links.manage(email));
        } catch (MessagingException e) {
            throw ApiError.unavailable("cannot send the email now; please try again later");
        }
        JsonAnswers.json(
                ctx.status(HttpStatus.ACCEPTED),
                Map.of("message", "If " + email + " has subscriptions, a link to manage " + "them is on its way."));
    }

    void preview(Context ctx) {
        Node query = SubscriptionRules.compiled(ctx.queryParam("query"), checker);
        int limit = DEFAULT_PREVIEW;
        String asked = ctx.queryParam("limit");
        if (asked != null) {
            try {
                limit = Integer.parseInt(asked);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw ApiError.invalid("limit", "expected 1 to 100, got '" + asked + "'");
            }
        }
        List<Map<String, Object>> papers = new ArrayList<>();
        for (RecentPapers.Hit hit : recent.matching(query, limit)) {
            // Papers published before links were checked at ingest may still carry any URL.
            Map<String, Object> paper = new LinkedHashMap<>();
            paper.put("id", hit.paper().getId());
            paper.put("title", hit.paper().getTitle());
            paper.put("authors", hit.paper().getAuthors());
            paper.put(
                    "published",
                    hit.paper().getPublished() == null
                            ? null
                            : hit.paper().getPublished().toString());
            paper.put("url", PaperUrls.httpOrNull(hit.paper().getUrl()));
            paper.put("matched", hit.explanation().matched());
            papers.add(paper);
        }
        JsonAnswers.json(ctx, Map.of("searched", recent.size(), "papers", papers));
    }
}
