package io.paperalerts.mail;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a digest email says, worked out once and rendered twice, as HTML and as text, by the
 * templates {@code digest.jte}: so the two parts cannot say different things. Every string is
 * plain text (the HTML template escapes it); URLs are http(s) or absent (null).
 *
 * @param headline the first line of both parts, and the subject after "[paper-alerts] "
 * @param listedNote when papers were left out: how many are listed, else null
 * @param seeAllUrl the one archive page that has every paper of the email, if there is one
 * @param rankedLowerNote when the reader's ranking left papers out (after "less like this"): how
 *     many, else null; {@code rankedLowerUrl} is where they are, {@code rankedLowerText} its link
 */
public record DigestView(
        String headline,
        String listedNote,
        String seeAllText,
        String seeAllUrl,
        List<Group> groups,
        String omittedNote,
        String rankedLowerNote,
        String rankedLowerText,
        String rankedLowerUrl,
        String recipient,
        String manageUrl,
        String unsubscribeUrl) {

    /**
     * Papers of one subscription, under its query when the email has several.
     *
     * @param heading the quoted query, or null when the email is about one subscription only
     */
    public record Group(String heading, String archiveText, String archiveUrl, List<Item> items) {}

    /**
     * @param authors at most five, then "et al."
     * @param details categories, date and upvotes, those known
     * @param opinions the paper's "more like this" and "less like this" links, or null
     */
    public record Item(
            String title,
            String url,
            String pdfUrl,
            String authors,
            String details,
            List<Part> snippet,
            List<Why> why,
            Opinions opinions) {

        public String snippetText() {
            return snippet.stream().map(Part::text).collect(Collectors.joining());
        }
    }

    /**
     * Where a reader says "more like this" or "less like this" of a paper: a page that asks to
     * confirm with a button (a GET changes nothing, so a link scanner changes nothing).
     */
    public record Opinions(String moreUrl, String lessUrl) {}

    /** A piece of the snippet, marked when it is a matched word. */
    public record Part(String text, boolean marked) {}

    /** Why one subscription has the paper: its quoted query and the words that matched, or the paper's trending rank. */
    public record Why(String sentence) {

        public static Why matched(String query, String matched) {
            return new Why("Matched " + query + (matched.isEmpty() ? "" : ": " + matched));
        }

        /** The reason the reader's ranking gives: the paper it liked that this one is most like. */
        public static Why like(String likedTitle) {
            return new Why("Like " + AlertMailer.quotedTitle(likedTitle) + ", which you liked");
        }

        /** Why a paper no subscription matched is in the email: the paper the reader liked that it is most like. */
        public static Why recommended(String likedTitle) {
            return new Why("Recommended: none of your subscriptions matched it, but it is like "
                    + AlertMailer.quotedTitle(likedTitle) + ", which you liked");
        }

        /** @param query the quoted query, or null when the subscription ranks every paper */
        public static Why trending(int rank, String day, String query, String matched) {
            return new Why("#" + rank + " trending on " + day
                    + (query == null ? "" : ", matched " + query + (matched.isEmpty() ? "" : ": " + matched)));
        }
    }
}
