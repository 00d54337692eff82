package io.paperalerts.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rometools.rome.feed.atom.Category;
import com.rometools.rome.feed.atom.Content;
import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import com.rometools.rome.feed.atom.Link;
import com.rometools.rome.feed.atom.Person;
import com.rometools.rome.feed.synd.SyndPerson;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.WireFeedOutput;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.DigestView;
import io.paperalerts.mail.MailText;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * A subscription's newest matches as an Atom 1.0 feed (written by Rome) and a JSON Feed 1.1
 * (written by Jackson): per entry the title, link, authors, date, snippet and matched words. Text
 * is the same cleaned text the emails show, and stripped of what XML cannot carry.
 */
final class ArchiveFeeds {

    static final String MATCHED_SCHEME = "urn:paper-alerts:matched";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveFeeds() {}

    static String atom(Subscription subscription, String title, String archiveUrl, List<Alert> entries) {
        return atom(subscription, title, archiveUrl, entries, AlertMailer::item);
    }

    /**
     * @param entries in the feed's order
     * @param shown what each entry shows ({@link AlertMailer#item}); its "more like this" and "less
     *     like this" links, if it has them, as {@code related} links titled so
     */
    static String atom(
            Subscription subscription,
            String title,
            String archiveUrl,
            List<Alert> entries,
            Function<Alert, DigestView.Item> shown) {
        Feed feed = new Feed("atom_1.0");
        feed.setId("urn:paper-alerts:archive:" + Pages.url(subscription.getId()));
        feed.setTitle(xml(title));
        feed.setUpdated(Date.from(entries.isEmpty() ? subscription.getCreated() : newest(entries)));
        feed.setAlternateLinks(List.of(link("alternate", archiveUrl, "text/html")));
        feed.setOtherLinks(List.of(link("self", archiveUrl + ArchivePages.ATOM, "application/atom+xml")));
        feed.setAuthors(List.of(person("paper-alerts")));
        List<Entry> atomEntries = new ArrayList<>();
        for (Alert alert : entries) {
            DigestView.Item item = shown.apply(alert);
            Entry entry = new Entry();
            entry.setId(entryId(subscription, alert));
            entry.setTitle(xml(item.title()));
            if (item.url() != null) {
                entry.setAlternateLinks(List.of(link("alternate", item.url(), null)));
            }
            List<Link> related = new ArrayList<>();
            if (item.pdfUrl() != null) {
                related.add(link("related", item.pdfUrl(), "application/pdf"));
            }
            DigestView.Opinions links = item.opinions();
            if (links != null) {
                related.add(titled(link("related", links.moreUrl(), "text/html"), "More like this"));
                related.add(titled(link("related", links.lessUrl(), "text/html"), "Less like this"));
            }
            if (!related.isEmpty()) {
                entry.setOtherLinks(related);
            }
            List<SyndPerson> authors = new ArrayList<>();
            authors(alert).forEach(name -> authors.add(person(name)));
            entry.setAuthors(authors);
            entry.setPublished(Date.from(MatchArchive.date(alert)));
            entry.setUpdated(Date.from(alert.getMatchedAt()));
            Content summary = new Content();
            summary.setType(Content.TEXT);
            summary.setValue(xml(summary(item)));
            entry.setSummary(summary);
            List<Category> categories = new ArrayList<>();
            for (String word : matched(alert)) {
                Category category = new Category();
                category.setTerm(xml(word));
                category.setScheme(MATCHED_SCHEME);
                category.setLabel(xml("matched: " + word));
                categories.add(category);
            }
            entry.setCategories(categories);
            atomEntries.add(entry);
        }
        feed.setEntries(atomEntries);
        try {
            return new WireFeedOutput().outputString(feed, false);
        } catch (FeedException e) {
            throw new IllegalStateException("Cannot write the Atom feed of " + subscription.getId(), e);
        }
    }

    static String json(Subscription subscription, String title, String archiveUrl, List<Alert> entries) {
        return json(subscription, title, archiveUrl, entries, AlertMailer::item);
    }

    /**
     * @param entries in the feed's order
     * @param shown what each entry shows ({@link AlertMailer#item}); its "more like this" and "less
     *     like this" links, if it has them, in {@code _paper_alerts}
     */
    static String json(
            Subscription subscription,
            String title,
            String archiveUrl,
            List<Alert> entries,
            Function<Alert, DigestView.Item> shown) {
        ObjectNode feed = JSON.createObjectNode()
                .put("version", "https://jsonfeed.org/version/1.1")
                .put("title", title)
                .put("home_page_url", archiveUrl)
                .put("feed_url", archiveUrl + ArchivePages.JSON)
                .put(
                        "description",
                        "Papers matching " + AlertMailer.quoted(subscription.getQuery())
                                + ", newest first, from paper-alerts");
        feed.putArray("authors").addObject().put("name", "paper-alerts");
        ArrayNode items = feed.putArray("items");
        for (Alert alert : entries) {
            DigestView.Item item = shown.apply(alert);
            ObjectNode entry = items.addObject()
                    .put("id", entryId(subscription, alert))
                    .put("title", item.title())
                    .put("summary", item.snippetText())
                    .put("content_text", summary(item))
                    .put("date_published", MatchArchive.date(alert).toString())
                    .put("date_modified", alert.getMatchedAt().toString());
            if (item.url() != null) {
                entry.put("url", item.url());
            }
            ArrayNode authors = entry.putArray("authors");
            authors(alert).forEach(name -> authors.addObject().put("name", name));
            ArrayNode tags = entry.putArray("tags");
            matched(alert).forEach(tags::add);
            DigestView.Opinions links = item.opinions();
            if (links != null) {
                // JSON Feed's way to extend an item: an object whose name starts with an underscore.
                entry.putObject("_paper_alerts")
                        .put("more_like_this_url", links.moreUrl())
                        .put("less_like_this_url", links.lessUrl());
            }
            if (item.pdfUrl() != null) {
                entry.putArray("attachments")
                        .addObject()
                        .put("url", item.pdfUrl())
                        .put("mime_type", "application/pdf");
            }
        }
        return feed.toPrettyString();
    }

    private static Link titled(Link link, String title) {
        link.setTitle(title);
        return link;
    }

    private static String summary(DigestView.Item item) {
        StringBuilder text = new StringBuilder(item.snippetText());
        item.why().forEach(why -> text.append(text.length() == 0 ? "" : "\n").append(why.sentence()));
        return text.toString();
    }

    private static String entryId(Subscription subscription, Alert alert) {
        return "urn:paper-alerts:match:" + Pages.url(subscription.getId()) + ":"
                + Pages.url(alert.getPaper().getId());
    }

    private static Instant newest(List<Alert> entries) {
        return entries.stream().map(Alert::getMatchedAt).max(Instant::compareTo).orElseThrow();
    }

    private static List<String> authors(Alert alert) {
        return alert.getPaper().getAuthors().stream()
                .map(a -> xml(MailText.oneLine(a)))
                .filter(a -> !a.isEmpty())
                .toList();
    }

    private static List<String> matched(Alert alert) {
        LinkedHashSet<String> words = new LinkedHashSet<>();
        alert.getReasons().forEach(r -> r.getMatchedTerms().forEach(t -> words.add(xml(MailText.oneLine(t)))));
        words.remove("");
        return List.copyOf(words);
    }

    private static Link link(String rel, String href, String type) {
        Link link = new Link();
        link.setRel(rel);
        link.setHref(href);
        link.setType(type);
        return link;
    }

    private static Person person(String name) {
        Person person = new Person();
        person.setName(name);
        return person;
    }

    /** Without the characters XML 1.0 cannot carry (lone surrogates, U+FFFE, U+FFFF; controls are gone already). */
    static String xml(String text) {
        return text.replaceAll("[^\\u0009\\u000A\\u000D\\u0020-\\uD7FF\\uE000-\\uFFFD\\x{10000}-\\x{10FFFF}]", "");
    }
}
