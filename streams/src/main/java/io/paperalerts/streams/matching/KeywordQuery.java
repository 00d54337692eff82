package io.paperalerts.streams.matching;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The foundation's query language: every word of the query must appear in the paper's title or
 * abstract, case-insensitively. Punctuation separates words and quotes are ignored.
 */
public record KeywordQuery(List<String> terms) {

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    public KeywordQuery {
        terms = List.copyOf(terms);
    }

    public static KeywordQuery parse(String query) {
        Set<String> terms = tokens(query);
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("query '" + query + "' has no words to match");
        }
        return new KeywordQuery(List.copyOf(terms));
    }

    /** Lower-cased words of a text, in order of first appearance. */
    public static Set<String> tokens(String text) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String token : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    public boolean matches(Set<String> paperTokens) {
        return paperTokens.containsAll(terms);
    }
}
