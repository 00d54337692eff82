package io.paperalerts.mail;

import java.util.Locale;

/**
 * The attributes of a start tag as the {@link CssInliner}'s scan needs them: where the tag ends,
 * whether it closes itself, its classes and id. {@code null} from {@link #scan} where the markup
 * needs the parser (a style attribute, an entity in a class or id, an unclosed quote).
 */
record StartTag(int end, boolean selfClosing, String classes, String id) {

    /** Reads the attributes from {@code nameEnd}, quotes respected: a quoted value may hold '>'. */
    static StartTag scan(String html, int nameEnd) {
        StringBuilder classes = new StringBuilder();
        String id = "";
        int end = nameEnd;
        boolean selfClosing = false;
        while (true) {
            while (end < html.length() && Character.isWhitespace(html.charAt(end))) {
                end++;
            }
            if (end >= html.length()) {
                return null;
            }
            char c = html.charAt(end);
            if (c == '>') {
                break;
            }
            if (c == '/' && end + 1 < html.length() && html.charAt(end + 1) == '>') {
                selfClosing = true;
                break;
            }
            int attrStart = end;
            while (end < html.length()
                    && !Character.isWhitespace(html.charAt(end))
                    && "=>/".indexOf(html.charAt(end)) < 0) {
                end++;
            }
            String attr = html.substring(attrStart, end).toLowerCase(Locale.ROOT);
            if (attr.isEmpty()) {
                return null;
            }
            String value = "";
            if (end < html.length() && html.charAt(end) == '=') {
                end++;
                if (end >= html.length()) {
                    return null;
                }
                char quote = html.charAt(end);
                if (quote == '"' || quote == '\'') {
                    int close = html.indexOf(quote, end + 1);
                    if (close < 0) {
                        return null;
                    }
                    value = html.substring(end + 1, close);
                    end = close + 1;
                } else {
                    int valueStart = end;
                    while (end < html.length()
                            && !Character.isWhitespace(html.charAt(end))
                            && html.charAt(end) != '>') {
                        end++;
                    }
                    value = html.substring(valueStart, end);
                }
            }
            if (value.indexOf('&') >= 0 && (attr.equals("class") || attr.equals("id"))) {
                return null;
            }
            switch (attr) {
                case "style" -> {
                    return null;
                }
                case "class" -> classes.append(value.strip());
                case "id" -> id = value.strip();
                default -> {
                    // other attributes do not take part in structural selectors
                }
            }
        }
        return new StartTag(end, selfClosing, classes.toString(), id);
    }
}
