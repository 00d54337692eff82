package io.paperalerts.mail;

import io.paperalerts.schemas.Paper;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Outside text (titles, names, abstracts) made fit for emails and pages: one line, cut, highlighted. */
public final class MailText {

    static final int MAX_AUTHORS = 5;
    static final int MAX_CATEGORIES = 3;
    static final int SNIPPET_CHARS = 500;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private MailText() {}

    /**
     * Outside text made fit for one line of an email or page: line breaks become spaces; control
     * characters and the bidirectional overrides (which could make a title reverse the text after
     * it) are dropped. Right-to-left scripts themselves are kept.
     */
    public static String oneLine(String value) {
        if (value == null) {
            return "";
        }
        if (isOneLine(value)) {
            // Most titles, names and abstracts: nothing to change, and the three passes below are a
            // regular expression each, for every field of every email.
            return value;
        }
        return SPACES.matcher(UNPRINTABLE
                        .matcher(LINE_BREAKS.matcher(value).replaceAll(" "))
                        .replaceAll(""))
                .replaceAll(" ")
                .strip();
    }

    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\t\\u0085\\u2028\\u2029]+");
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069]");
    private static final Pattern SPACES = Pattern.compile(" {2,}");

    /** Whether {@link #oneLine} would return the value as it is: no break, control or override, no double or outer space. */
    private static boolean isOneLine(String value) {
        int length = value.length();
        if (length > 0
                && (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(length - 1)))) {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x20
                    || (c >= 0x7F && c <= 0x9F)
                    || c == 0x2028
                    || c == 0x2029
                    || (c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069)
                    || (c == ' ' && previous == ' ')) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    static String authors(List<String> authors) {
        List<String> names = authors.stream()
                .map(MailText::oneLine)
                .filter(a -> !a.isEmpty())
                .toList();
        if (names.size() <= MAX_AUTHORS) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_AUTHORS)) + " et al.";
    }

    /** The abstract from a little before the first matched word in it, or from its beginning. */
    static String snippet(String abstractText, List<String> matched) {
        String text = oneLine(abstractText);
        Pattern words = matchedWords(matched);
        Matcher m = words == null ? null : words.matcher(text);
        int first = m != null && m.find() ? m.start() : -1;
        if (first < 0 || first + 40 <= SNIPPET_CHARS) {
            return snippet(text);
        }
        int from = text.lastIndexOf(' ', Math.max(0, first - 60));
        return "\u2026 " + snippet(text.substring(from < 0 ? 0 : from + 1));
    }

    static String snippet(String abstractText) {
        String text = oneLine(abstractText);
        if (text.length() <= SNIPPET_CHARS) {
            return text;
        }
        int cut = text.lastIndexOf(' ', SNIPPET_CHARS);
        return text.substring(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS) + " \u2026";
    }

    /** Categories, date and upvotes, those the paper has. */
    static String details(Paper paper) {
        List<String> parts = new ArrayList<>();
        List<String> categories = paper.getCategories().stream()
                .map(MailText::oneLine)
                .filter(c -> !c.isEmpty())
                .limit(MAX_CATEGORIES)
                .toList();
        if (!categories.isEmpty()) {
            parts.add(String.join(", ", categories));
        }
        if (paper.getPublished() != null) {
            parts.add(DAY.format(paper.getPublished()));
        }
        if (paper.getUpvotes() != null && paper.getUpvotes() > 0) {
            parts.add(paper.getUpvotes() == 1 ? "1 upvote" : paper.getUpvotes() + " upvotes");
        }
        return String.join(" \u00b7 ", parts);
    }

    /** Splits the text so that the matched words, whole words in any case, are marked. */
    /** The matched words and phrases as whole words, longest first, any case; {@code null} when there are none. */
    private static Pattern matchedWords(List<String> matched) {
        List<String> terms = matched.stream()
                .filter(t -> !t.isBlank())
                .sorted((a, b) -> b.length() - a.length())
                .toList();
        if (terms.isEmpty()) {
            return null;
        }
        String alternatives =
                String.join("|", terms.stream().map(Pattern::quote).toList());
        return Pattern.compile(
                "(?<![\\p{L}\\p{N}])(" + alternatives + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    static List<DigestView.Part> highlight(String text, List<String> matched) {
        if (text.isEmpty()) {
            return List.of();
        }
        Pattern words = matchedWords(matched);
        if (words == null) {
            return List.of(new DigestView.Part(text, false));
        }
        Matcher m = words.matcher(text);
        List<DigestView.Part> parts = new ArrayList<>();
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(new DigestView.Part(text.substring(at, m.start()), false));
            }
            parts.add(new DigestView.Part(m.group(), true));
            at = m.end();
        }
        if (at < text.length()) {
            parts.add(new DigestView.Part(text.substring(at), false));
        }
        return parts;
    }
}
