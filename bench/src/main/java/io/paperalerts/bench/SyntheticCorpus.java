package io.paperalerts.bench;

import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Papers and subscriptions that look like the real thing to a matcher: a Zipf-distributed
 * vocabulary of pseudo-words, ~200-word abstracts with plurals mixed in, several authors and
 * categories per paper; subscriptions of 1-3 parts with words, phrases, OR, NOT, title-only,
 * author and category clauses.
 */
final class SyntheticCorpus {

    /** Syllables that no English suffix rule strips, so stemming does not merge pseudo-words. */
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "zo", "pra", "gen", "tor", "lex", "quan", "dif", "rew", "mod",
        "tra", "ba", "de", "fu", "go", "hi", "ja", "ku", "mo", "no", "pe", "qi", "ro", "su", "ta", "ve", "bro", "cla",
        "dru", "fle", "gri", "plo", "sko", "tve"
    };

    private final Random random;
    private final String[] words;
    private final double[] cumulative;
    private final String[] lastNames;
    private final String[] firstNames;
    private final String[] categories;
    private final List<String> bigrams = new ArrayList<>();

    SyntheticCorpus(long seed, int vocabulary) {
        this.random = new Random(seed);
        this.words = uniqueWords(vocabulary, 2, 4);
        this.cumulative = new double[vocabulary];
        double sum = 0;
        for (int rank = 1; rank <= vocabulary; rank++) {
            sum += 1.0 / Math.pow(rank, 1.07);
            cumulative[rank - 1] = sum;
        }
        for (int i = 0; i < vocabulary; i++) {
            cumulative[i] /= sum;
        }
        this.lastNames = uniqueWords(20_000, 2, 3);
        this.firstNames = uniqueWords(1_000, 1, 2);
        this.categories = new String[40];
        for (int i = 0; i < categories.length; i++) {
            categories[i] = (i < 25 ? "cs." : "stat.") + (char) ('A' + i % 26) + (char) ('A' + (i * 7) % 26);
        }
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            rank.put(words[i], i);
        }
        // Phrases people subscribe to are specific: skip pairs of a very common word.
        while (bigrams.size() < 20_000) {
            List<String> text = text(20);
            for (int j = 0; j + 1 < text.size(); j += 3) {
                if (rank.getOrDefault(text.get(j).replaceAll("s$", ""), 0) > 300
                        && rank.getOrDefault(text.get(j + 1).replaceAll("s$", ""), 0) > 300) {
                    bigrams.add(text.get(j) + " " + text.get(j + 1));
                }
            }
        }
    }

    private String[] uniqueWords(int count, int minSyllables, int maxSyllables) {
        Set<String> seen = new HashSet<>();
        String[] out = new String[count];
        int n = 0;
        while (n < count) {
            StringBuilder word = new StringBuilder();
            int syllables = minSyllables + random.nextInt(maxSyllables - minSyllables + 1);
            for (int i = 0; i < syllables; i++) {
                word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            if (seen.add(word.toString())) {
                out[n++] = word.toString();
            }
        }
        return out;
    }

    private String zipfWord() {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        String word = words[lo];
        return random.nextDouble() < 0.15 && !word.endsWith("s") ? word + "s" : word;
    }

    private List<String> text(int length) {
        List<String> text = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            text.add(zipfWord());
        }
        return text;
    }

    private static String capitalized(List<String> words) {
        StringBuilder out = new StringBuilder();
        for (String word : words) {
            out.append(out.length() == 0 ? "" : " ")
                    .append(Character.toUpperCase(word.charAt(0)))
                    .append(word.substring(1));
        }
        return out.toString();
    }

    private String author() {
        return capitalized(
                List.of(firstNames[random.nextInt(firstNames.length)], lastNames[random.nextInt(lastNames.length)]));
    }

    Paper paper(int i) {
        List<String> authors = new ArrayList<>();
        for (int a = 2 + random.nextInt(7); a > 0; a--) {
            authors.add(author());
        }
        List<String> cats = new ArrayList<>();
        for (int c = 1 + random.nextInt(3); c > 0; c--) {
            cats.add(categories[random.nextInt(categories.length)]);
        }
        StringBuilder abstractText = new StringBuilder();
        List<String> body = text(200);
        for (int w = 0; w < body.size(); w++) {
            abstractText.append(body.get(w)).append(w % 17 == 16 ? ". " : w % 7 == 6 ? ", " : " ");
        }
        return Paper.newBuilder()
                .setId("synthetic-" + i)
                .setTitle(capitalized(text(8 + random.nextInt(7))))
                .setAbstractText(abstractText.toString().strip())
                .setAuthors(authors)
                .setCategories(cats)
                .setSource("synthetic")
                .build();
    }

    /** A word that appears in a small share of papers. */
    private String selectiveWord() {
        return words[4_000 + random.nextInt(words.length - 4_000)];
    }

    private String part() {
        int kind = random.nextInt(100);
        if (kind < 55) {
            return selectiveWord();
        }
        if (kind < 70) {
            return "\"" + bigrams.get(random.nextInt(bigrams.size())) + "\"";
        }
        if (kind < 80) {
            return "(" + selectiveWord() + " OR " + selectiveWord() + ")";
        }
        if (kind < 88) {
            return "title:" + words[1_000 + random.nextInt(19_000)];
        }
        if (kind < 94) {
            return "author:" + lastNames[random.nextInt(lastNames.length)];
        }
        String word = selectiveWord();
        return word.substring(0, Math.min(word.length(), Math.max(5, word.length() - 1))) + "*";
    }

    String subscription() {
        int roll = random.nextInt(100);
        int parts = roll < 50 ? 1 : roll < 85 ? 2 : 3;
        StringBuilder query = new StringBuilder(part());
        for (int i = 1; i < parts; i++) {
            query.append(' ')
                    .append(
                            random.nextInt(5) == 0
                                    ? "category:" + categories[random.nextInt(categories.length)]
                                    : part());
        }
        if (random.nextInt(100) < 15) {
            query.append(" -").append(words[50 + random.nextInt(450)]);
        }
        return query.toString();
    }
}
