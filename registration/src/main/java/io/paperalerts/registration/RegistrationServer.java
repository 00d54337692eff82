package io.paperalerts.registration;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.util.JavalinBindException;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.mail.AddressHash;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.mail.MailLinks;
import io.paperalerts.mail.ManageGenerations;
import io.paperalerts.mail.SmtpMailSender;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.SupervisedWorker;
import io.paperalerts.queries.Backfills;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.queries.ReaderOpinions;
import io.paperalerts.queries.SubscriptionDirectory;
import io.paperalerts.schemas.SubscriptionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration: the REST API ({@link SubscriptionApi}, described at {@code /openapi.json}), the
 * subscribe page at {@code /}, and the confirm, manage and unsubscribe pages the links in emails
 * lead to ({@link SubscriptionPages}). Runs in the streams service: the compacted
 * {@code subscriptions} topic is the source of truth, writes go to it, reads come from the streams
 * service's store ({@link SubscriptionDirectory}). Each subscription's archive page and feeds
 * ({@link ArchivePages}) read the streams service's archive store ({@link MatchArchive}). This class wires the parts together and runs
 * what runs in the background: previews' recent papers, the backfill requests, the sweep of
 * expired pending subscriptions.
 *
 * <p>Double opt-in: a registration stays pending, matching nothing, until the owner of the address
 * confirms through the signed, expiring link emailed to it.
 */
public final class RegistrationServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistrationServer.class);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private final Clock clock;
    private final ManageGenerations generations;
    private final SubscriberErasure erasure;
    private final FeedbackWriter feedback;
    private final RecentPapers recent;
    private final Subscriptions subscriptions;
    private final Backfills.Requests backfills;
    private final SupervisedWorker sweeper = SupervisedWorker.of("pending-sweeper", this::sweep);
    private final Javalin app;
    private final int httpPort;

    /**
     * @param archive where the archive pages and feeds read matches from, and the manage and
     *     feedback pages readers' feedback
     * @param backfills what runs confirmed registrations' backfills (the streams service's {@code
     *     BackfillRequests.of})
     */
    public <S extends MatchArchive & ReaderOpinions> RegistrationServer(
            RegistrationConfig config, SubscriptionDirectory directory, S archive, Backfills backfills, Clock clock) {
        this.clock = clock;
        this.httpPort = config.getInt(RegistrationConfig.HTTP_PORT);
        KafkaClients clients = KafkaClients.of(config);
        KafkaStartup.prepare(
                clients,
                ServiceAccess.registration(config.getString(RegistrationConfig.BACKFILL_GROUP_ID)),
                config.getShort(CommonConfig.REPLICATION_FACTOR));
        AddressHash addressHash = new AddressHash(MailConfig.tokenSecret(config));
        this.generations = ManageGenerations.follow(clients, addressHash);
        MailLinks links = MailLinks.of(config, clock, generations);
        Duration confirmTtl = Duration.ofHours(config.getInt(RegistrationConfig.CONFIRM_TTL_HOURS));
        LinkChecks checks = new LinkChecks(links, links.tokens().withLifetime(confirmTtl), generations);
        RateLimits limits = new RateLimits(config, clock);
        RequestGuards guards = new RequestGuards(
                limits, new ClientAddress(config.getList(RegistrationConfig.TRUSTED_PROXIES)), links.origin());
        SubscriptionMatcher checker = new SubscriptionMatcher();
        this.recent = new RecentPapers(clients, config.getInt(RegistrationConfig.PREVIEW_PAPERS), checker);
        this.subscriptions = new Subscriptions(clients, directory, confirmTtl, clock);
        this.backfills = backfills.requests(
                clients,
                config.getString(RegistrationConfig.BACKFILL_GROUP_ID),
                id -> directory
                        .subscription(id)
                        .filter(s -> s.getStatus() != SubscriptionStatus.CANCELLED)
                        .isPresent());
        ConfirmationMailer mailer =
                new ConfirmationMailer(() -> new SmtpMailSender(config), config.getString(MailConfig.MAIL_FROM));
        SubscriptionApi api =
                new SubscriptionApi(config, subscriptions, checks, guards, limits, mailer, recent, checker, clock);
        this.erasure = new SubscriberErasure(clients, generations);
        this.feedback = new FeedbackWriter(clients);
        ArchiveForwarding forwarding = new ArchiveForwarding();
        SubscriptionPages pages = new SubscriptionPages(
                subscriptions, checks, checker, erasure, limits, archive, archive, forwarding, clock);
        FeedbackPages opinions = new FeedbackPages(checks, archive, feedback, clock);
        FrontPage front = new FrontPage(recent, checker);
        ArchivePages archives = new ArchivePages(directory, archive, archive, links, forwarding);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.port = httpPort;
            // Refused from the Content-Length, before anything is read into memory.
            c.http.maxRequestSize = JsonAnswers.MAX_BODY_BYTES;
            c.routes.before(guards::refuseCrossSite);
            c.routes.before(guards::limitActions);
            c.routes.after(SecurityHeaders::add);
            c.routes.get("/", ctx -> ctx.html(resource("index.html")));
            c.routes.get(
                    "/openapi.json", ctx -> ctx.contentType("application/json").result(resource("openapi.json")));
            c.routes.get(
                    "/assets/subscribe.js",
                    ctx -> ctx.contentType("text/javascript; charset=utf-8").result(resource("subscribe.js")));
            c.routes.get(
                    "/assets/subscribe.css",
                    ctx -> ctx.contentType("text/css; charset=utf-8").result(resource("subscribe.css")));
            c.routes.get(
                    "/assets/pages.css",
                    ctx -> ctx.contentType("text/css; charset=utf-8").result(resource("pages.css")));
            c.routes.post("/api/subscriptions", api::register);
            c.routes.get("/api/subscriptions", api::list);
            c.routes.patch("/api/subscriptions/{id}", api::update);
            c.routes.delete("/api/subscriptions/{id}", api::delete);
            c.routes.post("/api/subscriptions/{id}/confirm", api::confirmApi);
            c.routes.post("/api/manage-link", api::manageLink);
            c.routes.get("/api/preview", api::preview);
            c.routes.get("/api/papers", ctx -> JsonAnswers.json(ctx, front.answer()));
            c.routes.get("/confirm", pages::confirmPage);
            c.routes.post("/confirm", pages::confirmForm);
            c.routes.get("/manage", pages::managePage);
            c.routes.post("/manage/revoke-links", pages::manageRevokeLinks);
            c.routes.post("/manage/forget", pages::manageForget);
            c.routes.post("/manage/feedback/undo", opinions::manageUndo);
            c.routes.post("/manage/{id}", pages::manageUpdate);
            c.routes.post("/manage/{id}/delete", pages::manageDelete);
            c.routes.post("/manage/{id}/archive-address", pages::manageRenewArchive);
            c.routes.get("/archive/{id}/{token}", archives::page);
            c.routes.get("/archive/{id}/{token}" + ArchivePages.ATOM, archives::atom);
            c.routes.get("/archive/{id}/{token}" + ArchivePages.JSON, archives::json);
            c.routes.get("/feedback", opinions::page);
            c.routes.post("/feedback", opinions::save);
            c.routes.post("/feedback/undo", opinions::undo);
            c.routes.get("/unsubscribe", pages::unsubscribePage);
            c.routes.post("/unsubscribe", pages::unsubscribe);
            c.routes.exception(ApiError.class, JsonAnswers::refuse);
            // Javalin stops reading a body at maxRequestSize and says so with a 413.
            c.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> JsonAnswers.refuse(
                            e.getStatus() == 413
                                    ? ApiError.tooLarge("body over 16 KiB"
                                            + (ctx.contentLength() > 0 ? " (" + ctx.contentLength() + " bytes)" : ""))
                                    : ApiError.of(e.getStatus(), e.getMessage()),
                            ctx));
            c.routes.exception(
                    SubscriptionRules.Invalid.class,
                    (e, ctx) -> JsonAnswers.refuse(ApiError.invalid(e.field(), e.getMessage(), e.position()), ctx));
            // The streams service is starting or rebalancing: its store cannot be read this instant.
            c.routes.exception(
                    InvalidStateStoreException.class,
                    (e, ctx) -> JsonAnswers.refuse(
                            ApiError.unavailable("the service is starting; please try again shortly"), ctx));
            // Anything else is our bug: still a JSON answer the page can show, and the cause in the log.
            c.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                JsonAnswers.refuse(
                        ApiError.internal("an internal error (" + e.getClass().getSimpleName() + "); it was logged"),
                        ctx);
            });
        });
    }

    public RegistrationServer start() {
        recent.start();
        backfills.start();
        try {
            app.start();
        } catch (JavalinBindException e) {
            // Someone else's port: one line for whoever started us, and nothing of ours left running.
            IllegalStateException refused = new IllegalStateException(
                    "Cannot serve the web pages: port " + httpPort + " is in use (" + RegistrationConfig.HTTP_PORT
                            + ")",
                    e);
            try {
                close();
            } catch (RuntimeException closing) {
                refused.addSuppressed(closing);
            }
            throw refused;
        }
        sweeper.start();
        return this;
    }

    /** Removes expired pending subscriptions every ten minutes. */
    private void sweep(SupervisedWorker.Stopping stopping) throws InterruptedException {
        while (!stopping.await(SWEEP_EVERY)) {
            try {
                expirePending(clock.instant());
            } catch (RuntimeException e) {
                // The store may be rebalancing; the next sweep tries again.
                log.warn("Cannot remove expired pending subscriptions now: {}", e.toString());
            }
        }
    }

    /**
     * Ready while its background workers (manage-link generations, recent papers, backfill
     * requests, the sweeper) run.
     */
    public Health health() {
        return Health.all(
                generations.health(),
                recent.follower().health(),
                backfills.worker().health(),
                sweeper.health());
    }

    /** Completes when one of its background workers stopped for good: the service must exit. */
    public CompletableFuture<Throwable> gaveUp() {
        return SupervisedWorker.first(List.of(
                generations.gaveUp(),
                recent.follower().gaveUp(),
                backfills.worker().gaveUp(),
                sweeper.gaveUp()));
    }

    /** See {@link Subscriptions#expirePending}. */
    int expirePending(Instant now) {
        return subscriptions.expirePending(now);
    }

    public int port() {
        return app.port();
    }

    /** Papers in memory for previews (they arrive from {@code papers} in the background). */
    public int recentPapers() {
        return recent.size();
    }

    /** A page or asset of the jar, read once: it cannot change while the process runs. */
    private static String resource(String name) {
        return RESOURCES.computeIfAbsent(name, RegistrationServer::read);
    }

    private static final Map<String, String> RESOURCES = new ConcurrentHashMap<>();

    private static String read(String name) {
        try (InputStream in = RegistrationServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
        sweeper.close();
        recent.close();
        backfills.close();
        subscriptions.close();
        erasure.close();
        feedback.close();
        generations.close();
    }
}
