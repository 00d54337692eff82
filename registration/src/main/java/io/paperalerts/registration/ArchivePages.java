package io.paperalerts.registration;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.DigestView;
import io.paperalerts.mail.MailLinks;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.queries.ReaderOpinions;
import io.paperalerts.queries.Recipients;
import io.paperalerts.queries.SubscriptionDirectory;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * Each subscription's archive: a page of all its matches, newest first, and the same entries as
 * an Atom 1.0 feed and a JSON Feed 1.1; once the owner gave feedback, each page (the same 50
 * matches) and the feeds are in the owner's order, with its reasons, as its digests are. The address holds the subscription's own secret
 * ({@code archiveToken}); a wrong or replaced one answers 404, like an unknown subscription, so
 * an address tells nothing about which subscriptions exist. Entries come from the streams
 * service's archive store by interactive query; the instance that does not hold them forwards
 * the request to the one that does ({@link ArchiveForwarding}). Answers carry an {@code ETag} and
 * a matching {@code If-None-Match} gets 304, so feed readers polling often cost little.
 */
final class ArchivePages {

    static final String ATOM = "/atom";
    static final String JSON = "/json";
    static final int PAGE_SIZE = 50;
    static final int FEED_ENTRIES = 50;
    private static final int MAX_PAGE = 10_000;

    private enum Format {
        PAGE,
        ATOM,
        JSON
    }

    private final SubscriptionDirectory directory;
    private final MatchArchive archive;
    private final MailLinks links;
    private final ArchiveForwarding forwarding;
    private final ReaderOpinions opinions;

    /** @param opinions the readers' models, which order the pages and feeds of those who gave feedback */
    ArchivePages(
            SubscriptionDirectory directory,
            MatchArchive archive,
            ReaderOpinions opinions,
            MailLinks links,
            ArchiveForwarding forwarding) {
        this.opinions = opinions;
        this.directory = directory;
        this.archive = archive;
        this.links = links;
        this.forwarding = forwarding;
    }

    void page(Context ctx) {
        serve(ctx, Format.PAGE);
    }

    void atom(Context ctx) {
        serve(ctx, Format.ATOM);
    }

    void json(Context ctx) {
        serve(ctx, Format.JSON);
    }

    private void serve(Context ctx, Format format) {
        Optional<Subscription> found = directory
                .subscription(ctx.pathParam("id"))
                .filter(s -> sameSecret(s.getArchiveToken(), ctx.pathParam("token")));
        if (found.isEmpty()) {
            notFound(ctx, format);
            return;
        }
        Subscription subscription = found.get();
        if (subscription.getStatus() == SubscriptionStatus.CANCELLED) {
            gone(ctx, format);
            return;
        }
        int page = format == Format.PAGE ? page(ctx.queryParam("page")) : 1;
        if (page < 1) {
            ctx.status(HttpStatus.BAD_REQUEST)
                    .html(Pages.message(
                            "Bad request",
                            "The page number must be a whole number from 1 to " + MAX_PAGE + ".",
                            false));
            return;
        }
        String recipient = Recipients.of(subscription.getEmail());
        MatchArchive.Location location = archive.locate(recipient);
        if (location instanceof MatchArchive.Elsewhere owner) {
            forwarding.forward(ctx, owner);
        } else if (location instanceof MatchArchive.Unavailable unavailable) {
            ArchiveForwarding.unavailable(ctx, unavailable.reason());
        } else {
            try {
                answer(ctx, render(subscription, recipient, format, page));
            } catch (InvalidStateStoreException e) {
                // The partition moved between the question and the read.
                ArchiveForwarding.unavailable(ctx, "it is moving to another instance");
            }
        }
    }

    private Rendered render(Subscription subscription, String recipient, Format format, int page) {
        String path = links.archivePath(subscription.getId(), subscription.getArchiveToken());
        String base = links.baseUrl() + path;
        String title = "Matches of " + AlertMailer.quoted(subscription.getQuery());
        return switch (format) {
            case PAGE -> {
                int offset = (page - 1) * PAGE_SIZE;
                MatchArchive.Page entries = archive.read(recipient, subscription.getId(), offset, PAGE_SIZE);
                Shown shown = shown(recipient, withQuery(entries.entries(), subscription));
                List<DigestView.Item> items =
                        shown.entries().stream().map(shown.items()::get).toList();
                String summary = entries.total() == 0
                        ? "No matches yet: papers matching it will be listed here."
                        : entries.total() + (entries.total() == 1 ? " match" : " matches") + ", newest first"
                                + (shown.ranked() ? ", each page in your order (from your feedback)" : "")
                                + (entries.total() > PAGE_SIZE
                                        ? "; " + (offset + 1) + " to " + (offset + items.size()) + " on this page."
                                        : ".");
                ArchiveView view = new ArchiveView(
                        title,
                        summary,
                        offset + 1,
                        items,
                        page > 1 ? path + (page == 2 ? "" : "?page=" + (page - 1)) : null,
                        offset + PAGE_SIZE < entries.total() ? path + "?page=" + (page + 1) : null,
                        path + ATOM,
                        path + JSON);
                yield new Rendered("text/html; charset=utf-8", Pages.archive(view));
            }
            case ATOM ->
                new Rendered(
                        "application/atom+xml; charset=utf-8",
                        feed(
                                recipient,
                                subscription,
                                (entries, items) -> ArchiveFeeds.atom(subscription, title, base, entries, items)));
            case JSON ->
                new Rendered(
                        "application/feed+json; charset=utf-8",
                        feed(
                                recipient,
                                subscription,
                                (entries, items) -> ArchiveFeeds.json(subscription, title, base, entries, items)));
        };
    }

    /**
     * Entries as a page or feed shows them: newest first, or in the reader's order once it gave
     * feedback, each with what it shows (the reason the ranking gives, and the paper's "more like
     * this" and "less like this" links for the subscription's owner: the archive's address is its
     * secret, as the email that links it is the owner's).
     */
    private record Shown(List<Alert> entries, IdentityHashMap<Alert, DigestView.Item> items, boolean ranked) {}

    private Shown shown(String recipient, List<Alert> newestFirst) {
        IdentityHashMap<Alert, DigestView.Item> items = new IdentityHashMap<>();
        Optional<ReaderOpinions.Ordered> inReaderOrder =
                newestFirst.isEmpty() ? Optional.empty() : opinions.inReaderOrder(recipient, newestFirst);
        if (inReaderOrder.isEmpty()) {
            newestFirst.forEach(a -> items.put(a, AlertMailer.item(a, null, links.opinions(recipient, paperId(a)))));
            return new Shown(newestFirst, items, false);
        }
        ReaderOpinions.Ordered ordered = inReaderOrder.get();
        for (int i = 0; i < ordered.papers().size(); i++) {
            Alert alert = ordered.papers().get(i);
            items.put(
                    alert, AlertMailer.item(alert, ordered.ranks().get(i), links.opinions(recipient, paperId(alert))));
        }
        return new Shown(ordered.papers(), items, true);
    }

    /**
     * The entries with their subscription's query, which the archive does not keep (each entry is of
     * this subscription, and the page shows its query as it is now, as the title does).
     */
    private static List<Alert> withQuery(List<Alert> entries, Subscription subscription) {
        return entries.stream()
                .map(entry -> {
                    Alert shown = Alert.newBuilder(entry).build();
                    shown.getReasons().forEach(reason -> reason.setQuery(subscription.getQuery()));
                    return shown;
                })
                .toList();
    }

    private static String paperId(Alert alert) {
        return alert.getPaper().getId();
    }

    private String feed(String recipient, Subscription subscription, FeedWriter writer) {
        Shown shown = shown(
                recipient,
                withQuery(
                        archive.read(recipient, subscription.getId(), 0, FEED_ENTRIES)
                                .entries(),
                        subscription));
        return writer.write(shown.entries(), shown.items()::get);
    }

    private interface FeedWriter {
        String write(List<Alert> entries, Function<Alert, DigestView.Item> items);
    }

    private record Rendered(String contentType, String body) {}

    /** The body with its ETag, or 304 when the client has it already. */
    private static void answer(Context ctx, Rendered rendered) {
        byte[] body = rendered.body().getBytes(StandardCharsets.UTF_8);
        // The address is a secret: no shared cache may keep it; the reader's own revalidates.
        ConditionalGet.answer(ctx, body, ConditionalGet.etag(body), rendered.contentType(), "private, no-cache");
    }

    private static void notFound(Context ctx, Format format) {
        ctx.status(HttpStatus.NOT_FOUND);
        if (format == Format.PAGE) {
            ctx.html(Pages.message(
                    "Not found",
                    "There is no archive at this address: the address is wrong, or its "
                            + "owner replaced it with a new one (see the manage page).",
                    false));
        } else {
            ctx.contentType("text/plain; charset=utf-8")
                    .result("No feed at this address: it is wrong, or its owner " + "replaced it with a new one.\n");
        }
    }

    /** A cancelled subscription's archive is not served: 410 tells feed readers to stop asking. */
    private static void gone(Context ctx, Format format) {
        ctx.status(HttpStatus.GONE);
        if (format == Format.PAGE) {
            ctx.html(Pages.message("Cancelled", "This subscription was cancelled, and its archive with it.", false));
        } else {
            ctx.contentType("text/plain; charset=utf-8").result("This feed's subscription was cancelled.\n");
        }
    }

    /** Compared in constant time: a timing difference must not tell how much of a guess was right. */
    static boolean sameSecret(String expected, String given) {
        return expected != null
                && given != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** The page number asked for, 1 without one, or -1 when it is not one. */
    static int page(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 1;
        }
        try {
            int page = Integer.parseInt(raw);
            return page >= 1 && page <= MAX_PAGE ? page : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
