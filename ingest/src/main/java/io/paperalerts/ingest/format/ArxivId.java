package io.paperalerts.ingest.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A canonical arXiv identifier: new style {@code 2501.01234} or old style {@code hep-th/9901001},
 * without its version, which is kept apart. Accepts the forms sources use: bare ids, {@code arXiv:}
 * and {@code oai:arXiv.org:} prefixes, and abstract or PDF URLs.
 */
public record ArxivId(String id, int version) {

    private static final Pattern NEW_STYLE = Pattern.compile("(?<![\\w.])(\\d{4}\\.\\d{4,5})(?:v(\\d+))?(?![\\w.])");
    private static final Pattern OLD_STYLE =
            Pattern.compile("(?<![\\w.-])([a-z][a-z-]*(?:\\.[A-Z]{2})?/\\d{7})(?:v(\\d+))?(?![\\w.])");

    /** The arXiv id in {@code text}, or {@code null} if there is none. */
    public static ArxivId find(String text) {
        if (text == null) {
            return null;
        }
        String stripped = text.strip().replaceFirst("\\.pdf$", "");
        Matcher matcher = NEW_STYLE.matcher(stripped);
        if (!matcher.find()) {
            matcher = OLD_STYLE.matcher(stripped);
            if (!matcher.find()) {
                return null;
            }
        }
        int version = matcher.group(2) == null ? 1 : Integer.parseInt(matcher.group(2));
        return new ArxivId(matcher.group(1), version);
    }

    public String absUrl() {
        return "https://arxiv.org/abs/" + id;
    }

    public String pdfUrl() {
        return "https://arxiv.org/pdf/" + id;
    }
}
