package io.paperalerts.registration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.notifier.AlertMailer;
import io.paperalerts.notifier.Html;
import io.paperalerts.notifier.LinkTokens;
import io.paperalerts.notifier.ManageGenerations;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.notifier.SmtpMailSender;
import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.streams.backfill.Backfill;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.streams.matching.Node;
import io.paperalerts.streams.matching.SubscriptionMatcher;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration: the REST API (described at {@code /openapi.json}), the subscribe page at
 * {@code /}, and the confirm, manage and unsubscribe pages the links in emails lead to. Runs in
 * the streams service: the compacted {@code subscriptions} topic is the source of truth, writes go
 * to it, reads come from the streams service's store by interactive query.
 *
 * <p>Double opt-in: a registration stays pending, matching nothing, until the owner of the address
 * confirms through the signed, expiring link emailed to it. Pages behind a GET never change
 * anything (mail scanners follow links); a button POSTs.
 */
public final class RegistrationServer implements AutoCloseable {

    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int DEFAULT_PREVIEW = 20;
    /**
     * How long a request waits for its write, and then for the store to show it: someone is waiting
     * for the page, so answer before they give up.
     */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RegistrationServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrationConfig config;
    private final AlertStreamsService streams;
    private final Clock clock;
    private final List<String> bootstrap;
    private final AlertMailer.Links links;
    private final ManageGenerations generations;
    private final LinkTokens confirmTokens;
    private final RateLimits limits;
    private final ClientAddress clients;
    private final SubscriptionMatcher checker = new SubscriptionMatcher();
    private final RecentPapers recent;
    private final ConfirmationMailer mailer;
    private final KafkaProducer<String, Subscription> producer;
    private final BackfillRequests backfills;
    private final Duration confirmTtl;
    private final java.util.concurrent.ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "pending-sweeper");
        thread.setDaemon(true);
        return thread;
    });
    private final Javalin app;

    /**
     * @param backfillMaxPapers cap of the digest a confirmed registration's backfill sends
     */
    public RegistrationServer(RegistrationConfig config, AlertStreamsService streams, int backfillMaxPapers, Clock clock) {
        this.config = config;
        this.streams = streams;
        this.clock = clock;
        this.bootstrap = config.getList(CommonConfig.BOOTSTRAP_SERVERS);
        this.generations = ManageGenerations.follow(bootstrap);
        this.links = AlertMailer.Links.of(config, clock, generations);
        this.confirmTtl = Duration.ofHours(config.getInt(RegistrationConfig.CONFIRM_TTL_HOURS));
        this.confirmTokens = links.tokens().withLifetime(confirmTtl);
        this.limits = new RateLimits(config, clock);
        this.clients = new ClientAddress(config.getList(RegistrationConfig.TRUSTED_PROXIES));
        this.recent = new RecentPapers(bootstrap, config.getInt(RegistrationConfig.PREVIEW_PAPERS), checker);
        this.mailer = new ConfirmationMailer(() -> new SmtpMailSender(config), config.getString(NotifierConfig.MAIL_FROM));
        var topic = Topics.SUBSCRIPTIONS;
        this.producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // send() blocks while it has no metadata; bounded like the write itself.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis()),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.backfills = new BackfillRequests(bootstrap, config.getString(RegistrationConfig.BACKFILL_GROUP_ID),
                new Backfill(bootstrap, backfillMaxPapers, clock));
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.port = config.getInt(RegistrationConfig.HTTP_PORT);
            // Refused from the Content-Length, before anything is read into memory.
            c.http.maxRequestSize = MAX_BODY_BYTES;
            c.routes.before(this::refuseCrossSite);
            c.routes.before(this::limitActions);
            c.routes.after(SecurityHeaders::add);
            c.routes.get("/", ctx -> ctx.html(resource("index.html")));
            c.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("openapi.json")));
            c.routes.get("/assets/subscribe.js", ctx -> ctx.contentType("text/javascript").result(resource("subscribe.js")));
            c.routes.get("/assets/subscribe.css", ctx -> ctx.contentType("text/css").result(resource("subscribe.css")));
            c.routes.get("/assets/pages.css", ctx -> ctx.contentType("text/css").result(resource("pages.css")));
            c.routes.post("/api/subscriptions", this::register);
            c.routes.get("/api/subscriptions", this::list);
            c.routes.patch("/api/subscriptions/{id}", this::update);
            c.routes.delete("/api/subscriptions/{id}", this::delete);
            c.routes.post("/api/subscriptions/{id}/confirm", this::confirmApi);
            c.routes.post("/api/manage-link", this::manageLink);
            c.routes.get("/api/preview", this::preview);
            c.routes.get("/confirm", this::confirmPage);
            c.routes.post("/confirm", this::confirmForm);
            c.routes.get("/manage", this::managePage);
            c.routes.post("/manage/{id}", this::manageUpdate);
            c.routes.post("/manage/{id}/delete", this::manageDelete);
            c.routes.get("/unsubscribe", this::unsubscribePage);
            c.routes.post("/unsubscribe", this::unsubscribe);
            c.routes.exception(ApiError.class, this::refuse);
            // Javalin stops reading a body at maxRequestSize and says so with a 413.
            c.routes.exception(HttpResponseException.class, (e, ctx) -> refuse(e.getStatus() == 413
                    ? ApiError.tooLarge("body over 16 KiB" + (ctx.contentLength() > 0 ? " (" + ctx.contentLength()
                            + " bytes)" : ""))
                    : ApiError.of(e.getStatus(), e.getMessage()), ctx));
            c.routes.exception(SubscriptionRules.Invalid.class,
                    (e, ctx) -> refuse(ApiError.invalid(e.field(), e.getMessage(), e.position()), ctx));
            // The streams service is starting or rebalancing: its store cannot be read this instant.
            c.routes.exception(InvalidStateStoreException.class,
                    (e, ctx) -> refuse(ApiError.unavailable("the service is starting; please try again shortly"), ctx));
            // Anything else is our bug: still a JSON answer the page can show, and the cause in the log.
            c.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                refuse(ApiError.internal("an internal error (" + e.getClass().getSimpleName() + "); it was logged"), ctx);
            });
        });
    }

    public RegistrationServer start() {
        recent.start();
        backfills.start();
        app.start();
        Duration every = Duration.ofMinutes(10);
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                expirePending(clock.instant());
            } catch (RuntimeException e) {
                // The store may be rebalancing; the next sweep tries again.
                log.warn("Cannot remove expired pending subscriptions now: {}", e.toString());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Removes the subscriptions whose confirmation link has expired: they can never be confirmed,
     * and an address that never confirmed must not stay on file. Every instance sweeps; the
     * removals are tombstones, the same whoever writes them.
     *
     * @return how many were removed
     */
    int expirePending(java.time.Instant now) {
        List<Subscription> expired = streams.pendingCreatedBefore(now.minus(confirmTtl));
        expired.forEach(s -> send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), s.getId(), null)));
        if (!expired.isEmpty()) {
            log.info("Removed {} pending subscriptions never confirmed", expired.size());
        }
        return expired.size();
    }

    public int port() {
        return app.port();
    }

    /** Papers in memory for previews (they arrive from {@code papers} in the background). */
    public int recentPapers() {
        return recent.size();
    }

    // --- REST API -------------------------------------------------------------------------------

    private void register(Context ctx) throws MessagingException {
        SubscriptionForm form = SubscriptionForm.parse(jsonBody(ctx), checker,
                config.getInt(RegistrationConfig.MAX_BACKFILL_DAYS));
        limits.email(form.email(), client(ctx));
        Subscription subscription = Subscription.newBuilder()
                .setId(SubscriptionRules.newId())
                .setEmail(form.email()).setQuery(form.query()).setDelivery(form.delivery())
                .setTimezone(form.timezone()).setBackfillDays(form.backfillDays())
                .setStatus(SubscriptionStatus.PENDING).setCreated(clock.instant().truncatedTo(ChronoUnit.MILLIS)).build();
        // One pending confirmation per address: a new registration replaces the ones not yet
        // confirmed, so the inbox holds one live link, and an unconfirmed address collects nothing.
        for (Subscription earlier : streams.subscriptionsOf(form.email())) {
            if (earlier.getStatus() == SubscriptionStatus.PENDING) {
                send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), earlier.getId(), null));
            }
        }
        write(subscription);
        String token = confirmTokens.sign("confirm", subscription.getEmail(), List.of(subscription.getId()));
        try {
            mailer.sendConfirmation(subscription, links.baseUrl() + "/confirm?token=" + token);
        } catch (MessagingException e) {
            log.warn("Cannot send the confirmation of {}: {}", subscription.getId(), e.toString());
            throw ApiError.unavailable("cannot send the confirmation email now; please try again later");
        }
        Map<String, Object> body = new LinkedHashMap<>(view(subscription));
        body.put("message", "Check " + subscription.getEmail() + " for a confirmation link; nothing is sent until then.");
        json(ctx.status(HttpStatus.ACCEPTED), body);
    }

    private void list(Context ctx) {
        String email = verify(ctx.queryParam("token"), "manage").recipient();
        json(ctx, Map.of("email", email, "subscriptions",
                shownTo(email).stream().map(RegistrationServer::view).toList()));
    }

    private void update(Context ctx) {
        Subscription subscription = owned(ctx.pathParam("id"), verify(ctx.queryParam("token"), "manage").recipient());
        JsonNode body = jsonBody(ctx);
        if (!body.isObject()) {
            throw ApiError.invalid("body", "expected a JSON object");
        }
        Subscription changed = Subscription.newBuilder(subscription).build();
        if (body.hasNonNull("query")) {
            changed.setQuery(SubscriptionRules.query(body.get("query").asText(), checker));
        }
        if (body.hasNonNull("delivery")) {
            changed.setDelivery(SubscriptionRules.delivery(body.get("delivery").asText()));
        }
        if (body.hasNonNull("timezone")) {
            changed.setTimezone(SubscriptionRules.timezone(body.get("timezone").asText()));
        }
        writeAndAwait(changed);
        json(ctx, view(changed));
    }

    private void delete(Context ctx) {
        Subscription subscription = owned(ctx.pathParam("id"), verify(ctx.queryParam("token"), "manage").recipient());
        remove(subscription);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void confirmApi(Context ctx) {
        var claims = verify(ctx.queryParam("token"), "confirm");
        if (!claims.subscriptionIds().contains(ctx.pathParam("id"))) {
            throw ApiError.forbidden("this token does not confirm subscription " + ctx.pathParam("id"));
        }
        boolean already = activate(ctx.pathParam("id"));
        json(ctx, Map.of("id", ctx.pathParam("id"), "status", "active", "alreadyActive", already));
    }

    private void manageLink(Context ctx) throws MessagingException {
        JsonNode body = jsonBody(ctx);
        String email = SubscriptionRules.email(body.hasNonNull("email") ? body.get("email").asText() : null);
        limits.email(email, client(ctx));
        // Sent whether or not the address has subscriptions: the answer must not tell. A new link
        // revokes the older ones (a link forwarded or leaked stops working once its owner asks again).
        generations.revoke(email);
        try {
            mailer.sendManageLink(email, links.manage(email));
        } catch (MessagingException e) {
            throw ApiError.unavailable("cannot send the email now; please try again later");
        }
        json(ctx.status(HttpStatus.ACCEPTED), Map.of("message", "If " + email + " has subscriptions, a link to manage "
                + "them is on its way."));
    }

    private void preview(Context ctx) {
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
            paper.put("published", hit.paper().getPublished() == null ? null : hit.paper().getPublished().toString());
            paper.put("url", PaperUrls.httpOrNull(hit.paper().getUrl()));
            paper.put("matched", hit.explanation().matched());
            papers.add(paper);
        }
        json(ctx, Map.of("searched", recent.size(), "papers", papers));
    }

    // --- pages ----------------------------------------------------------------------------------

    private void confirmPage(Context ctx) {
        var claims = verifyPage(ctx, ctx.queryParam("token"), "confirm");
        if (claims == null) {
            return;
        }
        Optional<Subscription> subscription = streams.subscription(claims.subscriptionIds().get(0));
        if (subscription.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).html(Pages.message("Not found", "This subscription no longer exists.", false));
            return;
        }
        ctx.html(Pages.confirm(subscription.get(), ctx.queryParam("token")));
    }

    private void confirmForm(Context ctx) {
        var claims = verifyPage(ctx, ctx.formParam("token"), "confirm");
        if (claims == null) {
            return;
        }
        boolean already = activate(claims.subscriptionIds().get(0));
        String manage = links.manage(claims.recipient());
        ctx.html(Pages.page(already ? "Already active" : "Subscription confirmed",
                "<p id=\"result\" role=\"status\" class=\"ok\">" + (already ? "This subscription is already active."
                        : "Your subscription is active: matching papers will be emailed to "
                                + Html.escape(claims.recipient()) + ".") + "</p><p><a id=\"manage\" href=\""
                        + Html.escape(manage) + "\">Manage your subscriptions</a></p>"));
    }

    private void managePage(Context ctx) {
        var claims = verifyPage(ctx, ctx.queryParam("token"), "manage");
        if (claims != null) {
            ctx.html(Pages.manage(claims.recipient(), shownTo(claims.recipient()), ctx.queryParam("token")));
        }
    }

    private void manageUpdate(Context ctx) {
        String token = ctx.queryParam("token");
        Subscription subscription = owned(ctx.pathParam("id"), verify(token, "manage").recipient());
        Subscription changed = Subscription.newBuilder(subscription)
                .setQuery(SubscriptionRules.query(ctx.formParam("query"), checker))
                .setDelivery(SubscriptionRules.delivery(ctx.formParam("delivery"))).build();
        writeAndAwait(changed);
        ctx.redirect("/manage?token=" + Pages.url(token), HttpStatus.SEE_OTHER);
    }

    private void manageDelete(Context ctx) {
        String token = ctx.queryParam("token");
        remove(owned(ctx.pathParam("id"), verify(token, "manage").recipient()));
        ctx.redirect("/manage?token=" + Pages.url(token), HttpStatus.SEE_OTHER);
    }

    private void unsubscribePage(Context ctx) {
        var claims = verifyPage(ctx, ctx.queryParam("token"), "unsubscribe");
        if (claims != null) {
            ctx.html(Pages.unsubscribe(unsubscribed(claims), ctx.queryParam("token")));
        }
    }

    /** RFC 8058 one-click: the mail client POSTs {@code List-Unsubscribe=One-Click} to the link. */
    private void unsubscribe(Context ctx) {
        var claims = verifyPage(ctx, ctx.queryParam("token"), "unsubscribe");
        if (claims == null) {
            return;
        }
        for (Subscription s : unsubscribed(claims)) {
            if (s.getStatus() != SubscriptionStatus.CANCELLED) {
                writeAndAwait(Subscription.newBuilder(s).setStatus(SubscriptionStatus.CANCELLED).build());
            }
        }
        ctx.html(Pages.message("Unsubscribed", "You are unsubscribed: these alerts will not be sent to "
                + claims.recipient() + " any more.", true));
    }

    // --- the work -------------------------------------------------------------------------------

    /** What an unsubscribe link stops: its subscriptions, or, when it names none, all of its address's. */
    private List<Subscription> unsubscribed(LinkTokens.Claims claims) {
        if (claims.subscriptionIds().isEmpty()) {
            return shownTo(claims.recipient());
        }
        return claims.subscriptionIds().stream().map(streams::subscription).flatMap(Optional::stream)
                .filter(s -> MatchAlerts.sameRecipient(s.getEmail(), claims.recipient())).toList();
    }

    /** @return whether it was active already */
    private boolean activate(String id) {
        Subscription subscription = streams.subscription(id)
                .orElseThrow(() -> ApiError.notFound("no subscription " + id));
        if (subscription.getStatus() == SubscriptionStatus.ACTIVE) {
            return true;
        }
        if (subscription.getStatus() == SubscriptionStatus.CANCELLED) {
            throw ApiError.notFound("subscription " + id + " was cancelled; subscribe again");
        }
        Subscription active = Subscription.newBuilder(subscription).setStatus(SubscriptionStatus.ACTIVE)
                .setConfirmed(clock.instant().truncatedTo(ChronoUnit.MILLIS)).build();
        if (active.getBackfillDays() > 0) {
            // Asked for durably before the confirmation is saved: a crash in between leaves a
            // request that runs once a service is back (and again if confirmed again: the delivery
            // record keeps it from sending twice), never a confirmed subscription without its backfill.
            send(new ProducerRecord<>(Topics.BACKFILL_REQUESTS.name(), active.getId(), active));
        }
        writeAndAwait(active);
        return false;
    }

    private void remove(Subscription subscription) {
        send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), subscription.getId(), null));
        awaitVisible(subscription.getId(), s -> s == null);
    }

    /** An address's subscriptions as its owner manages them: cancelled ones are gone. */
    private List<Subscription> shownTo(String email) {
        return streams.subscriptionsOf(email).stream().filter(s -> s.getStatus() != SubscriptionStatus.CANCELLED).toList();
    }

    private Subscription owned(String id, String email) {
        Subscription subscription = streams.subscription(id).orElseThrow(() -> ApiError.notFound("no subscription " + id));
        if (!MatchAlerts.sameRecipient(subscription.getEmail(), email)) {
            throw ApiError.forbidden("subscription " + id + " is not one of " + email + "'s");
        }
        return subscription;
    }

    private void write(Subscription subscription) {
        send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), subscription.getId(), subscription));
    }

    /** Writes, then waits until the store shows it, so the next page reads what was just written. */
    private void writeAndAwait(Subscription subscription) {
        write(subscription);
        awaitVisible(subscription.getId(), shown -> shown != null && shown.getStatus() == subscription.getStatus()
                && shown.getQuery().equals(subscription.getQuery()) && shown.getDelivery() == subscription.getDelivery()
                && shown.getTimezone().equals(subscription.getTimezone()));
    }

    private void send(ProducerRecord<String, Subscription> record) {
        try {
            producer.send(record).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("interrupted");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Cannot write subscription {}: {}", record.key(), e.toString());
            throw ApiError.unavailable("cannot save the subscription now; please try again later");
        }
    }

    private void awaitVisible(String id, java.util.function.Predicate<Subscription> shown) {
        long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (shown.test(streams.subscription(id).orElse(null))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("Subscription {} was written but is not visible in the store after {} s", id, WRITE_TIMEOUT.toSeconds());
    }

    private String client(Context ctx) {
        return clients.of(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /** Every state-changing request and every preview counts against its client's per-minute limit. */
    private void limitActions(Context ctx) {
        String method = ctx.method().name();
        if (!(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"))
                || ctx.path().equals("/api/preview")) {
            limits.action(client(ctx));
        }
    }

    private LinkTokens.Claims verify(String token, String action) {
        return verify(token, action, action.equals("confirm") ? confirmTokens
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
        if (!claims.action().equals(action) || (action.equals("confirm") && claims.subscriptionIds().isEmpty())) {
            throw ApiError.forbidden("this token is not for " + action);
        }
        if (action.equals("manage") && claims.generation() != generations.current(claims.recipient())) {
            throw ApiError.forbidden("this manage link was replaced by a newer one; use the link of the latest email");
        }
        return claims;
    }

    /** Like {@link #verify}, but answers a refusal with a page; null when it did. */
    private LinkTokens.Claims verifyPage(Context ctx, String token, String action) {
        try {
            return verify(token, action);
        } catch (ApiError e) {
            ctx.status(e.status).html(Pages.message("Link not valid", "This link is not valid (" + e.getMessage()
                    + "). Links expire; ask for a new one from the subscribe page.", false));
            return null;
        }
    }

    /**
     * State-changing requests only from our own pages, mail clients (one-click unsubscribe) and
     * scripts: a browser sending one from another site (a hostile page's form or no-cors fetch)
     * says so in {@code Sec-Fetch-Site} or {@code Origin}.
     */
    private void refuseCrossSite(Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            // Browsers that send it say exactly where the request comes from ("none": typed or bookmarked).
            if (site.equalsIgnoreCase("cross-site")) {
                throw ApiError.forbidden("cross-site requests are refused");
            }
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equalsIgnoreCase(ctx.scheme() + "://" + ctx.host())
                && !origin.equalsIgnoreCase(links.origin())) {
            throw ApiError.forbidden("requests from " + origin + " are refused");
        }
    }

    private static JsonNode jsonBody(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].strip();
        if (!type.equalsIgnoreCase("application/json")) {
            // A form or text/plain body is what a hostile page can send without a CORS preflight.
            throw ApiError.unsupportedMediaType("expected Content-Type application/json, got '"
                    + (type.isEmpty() ? "none" : type) + "'");
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw ApiError.invalid("body", "body over 16 KiB (" + body.length + " bytes)");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null) {
                throw ApiError.invalid("body", "empty body; expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiError.invalid("body", "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void refuse(ApiError e, Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", e.status);
        if (e.field != null) {
            body.put("field", e.field);
        }
        body.put("reason", e.getMessage());
        if (e.position != null) {
            body.put("position", e.position);
        }
        if (e.retryAfterSeconds > 0) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds));
        }
        json(ctx.status(e.status), body);
    }

    private static Map<String, Object> view(Subscription s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.getId());
        view.put("email", s.getEmail());
        view.put("query", s.getQuery());
        view.put("delivery", s.getDelivery().name().toLowerCase(Locale.ROOT));
        view.put("status", s.getStatus().name().toLowerCase(Locale.ROOT));
        view.put("timezone", s.getTimezone());
        view.put("backfillDays", s.getBackfillDays());
        view.put("created", s.getCreated().toString());
        return view;
    }

    private static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = RegistrationServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
        sweeper.shutdownNow();
        recent.close();
        backfills.close();
        producer.close(Duration.ofSeconds(5));
        generations.close();
    }
}
