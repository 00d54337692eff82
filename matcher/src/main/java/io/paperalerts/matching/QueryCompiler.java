package io.paperalerts.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.queryparser.classic.TokenMgrError;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PointRangeQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * The subscription language: Lucene's classic query syntax with default operator AND, parsed by
 * Lucene's own parser with the {@link PaperAnalyzer}, validated, and compiled to a {@link Node}
 * program. Only upper-case AND, OR and NOT are operators; quoted phrases, a leading {@code -},
 * parentheses, the fields {@code title:}, {@code abstract:}, {@code author:}, {@code category:}
 * and trailing {@code *} wildcards are supported, and the upvote filters {@code upvotes:>=N} and
 * {@code upvotes:>N} (a paper without upvotes never passes one). Queries that would match (almost)
 * everything, that are too long or have too many clauses are refused.
 */
public final class QueryCompiler {

    public static final int MAX_LENGTH = 500;
    public static final int MAX_CLAUSES = 32;
    public static final int MIN_PREFIX = 2;
    static final List<String> FIELDS =
            List.of(PaperAnalyzer.TITLE, PaperAnalyzer.ABSTRACT, PaperAnalyzer.AUTHOR, PaperAnalyzer.CATEGORY);
    /** Not a text field: {@code upvotes:>=N} and {@code upvotes:>N} compare the paper's upvote count. */
    public static final String UPVOTES = "upvotes";

    private static final Set<String> KNOWN =
            Stream.concat(FIELDS.stream(), Stream.of(UPVOTES)).collect(Collectors.toUnmodifiableSet());
    /** What may follow {@code upvotes:}, up to the next space or parenthesis. */
    private static final Pattern UPVOTE_FILTER = Pattern.compile("(>=?)(\\d{1,9})");

    private final Analyzer analyzer;

    public QueryCompiler(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    public Node compile(String query) {
        Node root = toNode(parse(query));
        int clauses = root.leaves();
        if (clauses == 0) {
            throw new InvalidQueryException("query has no words to match");
        }
        if (clauses > MAX_CLAUSES) {
            throw new InvalidQueryException(
                    "query has " + clauses + " clauses; at most " + MAX_CLAUSES + " are allowed");
        }
        if (!requiresATerm(root)) {
            Integer threshold = requiredUpvotes(root);
            if (threshold == null) {
                throw new InvalidQueryException("query has no word that must appear, so it would match (almost) every "
                        + "paper; add at least one word that is not negated, or an upvote threshold (upvotes:>=50)");
            }
            if (threshold < 1) {
                throw new InvalidQueryException("upvotes:>=" + threshold + " without a word would match every paper "
                        + "with an upvote count; use a threshold of at least 1 or add a word");
            }
        }
        return root;
    }

    /** The Lucene query, validated for syntax; the reference engine in tests runs exactly this. */
    public Query parse(String query) {
        if (query == null || query.isBlank()) {
            throw new InvalidQueryException("empty query");
        }
        if (query.length() > MAX_LENGTH) {
            throw new InvalidQueryException(
                    "query is " + query.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        checkQuotesParenthesesAndFields(query);
        QueryParser parser = new UpvoteAwareParser(analyzer);
        parser.setDefaultOperator(QueryParser.Operator.AND);
        // An unquoted hyphenated word is a phrase: chain-of-thought means "chain of thought".
        parser.setSplitOnWhitespace(true);
        parser.setAutoGeneratePhraseQueries(true);
        parser.setAllowLeadingWildcard(false);
        try {
            return parser.parse(query);
        } catch (ParseException e) {
            String reason = e.getMessage();
            if (reason.contains("'*' not allowed as first character")
                    || reason.contains("'?' not allowed as first character")) {
                throw new InvalidQueryException("a wildcard needs at least " + MIN_PREFIX
                        + " letters before it: a bare * would match every paper");
            }
            String where = e.currentToken != null && e.currentToken.next != null
                    ? " at position " + e.currentToken.next.beginColumn
                    : "";
            String found = e.currentToken != null
                            && e.currentToken.next != null
                            && e.currentToken.next.image != null
                            && !e.currentToken.next.image.isEmpty()
                    ? ": unexpected '" + e.currentToken.next.image + "'"
                    : "";
            throw new InvalidQueryException(
                    "invalid query" + where + found + (found.isEmpty() ? ": the query ends too early" : ""));
        } catch (TokenMgrError e) {
            throw new InvalidQueryException("invalid query: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // Lucene builds some queries while parsing (a /regular expression/) and refuses bad ones
            // this way; found by QueryParserFuzzTest with /\/.
            throw new InvalidQueryException("invalid query: " + e.getMessage());
        }
    }

    private static void checkQuotesParenthesesAndFields(String query) {
        int openQuote = -1;
        List<Integer> openParens = new ArrayList<>();
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == '"') {
                openQuote = openQuote < 0 ? i : -1;
                continue;
            }
            if (openQuote >= 0) {
                continue;
            }
            if (c == '(') {
                openParens.add(i);
            } else if (c == ')') {
                if (openParens.isEmpty()) {
                    throw new InvalidQueryException(
                            "unbalanced parentheses: ')' at position " + (i + 1) + " has no matching '('");
                }
                openParens.remove(openParens.size() - 1);
            } else if (c == ':') {
                int start = i;
                while (start > 0
                        && (Character.isLetterOrDigit(query.charAt(start - 1)) || query.charAt(start - 1) == '_')) {
                    start--;
                }
                String field = query.substring(start, i);
                if (field.isEmpty()) {
                    throw new InvalidQueryException("':' at position " + (i + 1) + " must follow a field name ("
                            + String.join(", ", FIELDS) + ")");
                }
                if (!KNOWN.contains(field)) {
                    throw new InvalidQueryException("unknown field '" + field + "' at position " + (start + 1)
                            + "; fields are " + String.join(", ", FIELDS) + " and " + UPVOTES);
                }
                if (field.equals(UPVOTES)) {
                    checkUpvoteFilter(query, i + 1);
                }
            }
        }
        if (openQuote >= 0) {
            throw new InvalidQueryException(
                    "unbalanced quotes: the quote at position " + (openQuote + 1) + " is never closed");
        }
        if (!openParens.isEmpty()) {
            throw new InvalidQueryException("unbalanced parentheses: '(' at position "
                    + (openParens.get(openParens.size() - 1) + 1) + " is never closed");
        }
    }

    /** {@code upvotes:} must be followed by {@code >=N} or {@code >N}, N a whole number, and end there. */
    private static void checkUpvoteFilter(String query, int from) {
        int end = from;
        while (end < query.length() && !Character.isWhitespace(query.charAt(end)) && query.charAt(end) != ')') {
            end++;
        }
        String filter = query.substring(from, end);
        if (!UPVOTE_FILTER.matcher(filter).matches()) {
            throw new InvalidQueryException("invalid upvote filter '" + UPVOTES + ":" + filter + "' at position "
                    + (from - UPVOTES.length()) + ": write " + UPVOTES + ":>=N or " + UPVOTES
                    + ":>N with N a whole number, e.g. " + UPVOTES + ":>=20");
        }
    }

    /** The least upvote count a filter accepts, from its text as checked by {@link #checkUpvoteFilter}. */
    private static int minUpvotes(String filter) {
        Matcher m = UPVOTE_FILTER.matcher(filter);
        if (!m.matches()) {
            throw new InvalidQueryException("invalid upvote filter '" + UPVOTES + ":" + filter + "'");
        }
        int n = Integer.parseInt(m.group(2));
        return m.group(1).equals(">") ? n + 1 : n;
    }

    /**
     * Lucene's parser, with {@code upvotes:} read as a point range on the upvote count (what an
     * {@code IntPoint} field of the same name would match), not as analyzed text.
     */
    private static final class UpvoteAwareParser extends QueryParser {
        UpvoteAwareParser(Analyzer analyzer) {
            super(PaperAnalyzer.TEXT, analyzer);
        }

        @Override
        protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
            if (UPVOTES.equals(field)) {
                return IntPoint.newRangeQuery(UPVOTES, minUpvotes(queryText), Integer.MAX_VALUE);
            }
            return super.getFieldQuery(field, queryText, quoted);
        }

        @Override
        protected Query getRangeQuery(
                String field, String part1, String part2, boolean startInclusive, boolean endInclusive)
                throws ParseException {
            if (UPVOTES.equals(field)) {
                throw new InvalidQueryException("upvote ranges are written " + UPVOTES + ":>=N or " + UPVOTES + ":>N");
            }
            return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
        }
    }

    Node toNode(Query query) {
        if (query instanceof PointRangeQuery range && UPVOTES.equals(range.getField())) {
            return new Node.MinUpvotes(IntPoint.decodeDimension(range.getLowerPoint(), 0));
        }
        if (query instanceof TermQuery term) {
            return new Node.Term(term.getTerm().field(), term.getTerm().text());
        }
        if (query instanceof PhraseQuery phrase) {
            if (phrase.getSlop() != 0) {
                throw new InvalidQueryException("proximity (\"...\"~" + phrase.getSlop() + ") is not supported");
            }
            Term[] terms = phrase.getTerms();
            if (terms.length == 0) {
                return new Node.Nothing();
            }
            String[] texts = new String[terms.length];
            for (int i = 0; i < terms.length; i++) {
                texts[i] = terms[i].text();
            }
            return new Node.Phrase(terms[0].field(), texts, phrase.getPositions());
        }
        if (query instanceof PrefixQuery prefix) {
            String text = prefix.getPrefix().text();
            if (text.length() < MIN_PREFIX) {
                throw new InvalidQueryException(
                        "wildcard '" + text + "*' needs at least " + MIN_PREFIX + " letters before *");
            }
            return new Node.Prefix(prefix.getPrefix().field(), text);
        }
        if (query instanceof BooleanQuery bool) {
            List<Node> must = new ArrayList<>();
            List<Node> should = new ArrayList<>();
            List<Node> mustNot = new ArrayList<>();
            for (BooleanClause clause : bool.clauses()) {
                Node child = toNode(clause.getQuery());
                switch (clause.getOccur()) {
                    case MUST, FILTER -> must.add(child);
                    case SHOULD -> should.add(child);
                    case MUST_NOT -> mustNot.add(child);
                    default -> throw new IllegalStateException("unknown occur " + clause.getOccur());
                }
            }
            return new Node.Bool(
                    List.copyOf(must), List.copyOf(should), List.copyOf(mustNot), bool.getMinimumNumberShouldMatch());
        }
        if (query instanceof MatchNoDocsQuery) {
            return new Node.Nothing();
        }
        if (query instanceof MatchAllDocsQuery) {
            throw new InvalidQueryException("*:* would match every paper");
        }
        if (query instanceof BoostQuery) {
            throw new InvalidQueryException("boosts (^) are not supported");
        }
        if (query instanceof FuzzyQuery) {
            throw new InvalidQueryException("fuzzy matching (~) is not supported");
        }
        if (query instanceof WildcardQuery wildcard) {
            throw new InvalidQueryException("wildcard '" + wildcard.getTerm().text()
                    + "' is not supported: only a trailing * is (e.g. robot*)");
        }
        throw new InvalidQueryException(
                "unsupported syntax: " + query.toString(PaperAnalyzer.TEXT).toLowerCase(Locale.ROOT)
                        + " (ranges, regular expressions and fuzzy matching are not supported)");
    }

    /**
     * The upvote count a match needs at least, when the query demands one ({@code upvotes:>=50},
     * {@code upvotes:>=50 -diffusion}, {@code upvotes:>=50 OR upvotes:>=80}); {@code null} when a
     * paper may match without reaching any threshold. A query without a word is filed under it.
     */
    static Integer requiredUpvotes(Node node) {
        if (node instanceof Node.MinUpvotes upvotes) {
            return upvotes.min();
        }
        if (node instanceof Node.Bool bool) {
            if (!bool.must().isEmpty()) {
                return bool.must().stream()
                        .map(QueryCompiler::requiredUpvotes)
                        .filter(Objects::nonNull)
                        .max(Integer::compare)
                        .orElse(null);
            }
            List<Integer> each =
                    bool.should().stream().map(QueryCompiler::requiredUpvotes).toList();
            return each.isEmpty() || each.contains(null)
                    ? null
                    : each.stream().min(Integer::compare).orElseThrow();
        }
        return null;
    }

    /** Whether a match needs some term to be present, i.e. the query cannot match (almost) everything. */
    static boolean requiresATerm(Node node) {
        if (node instanceof Node.Bool bool) {
            if (!bool.must().isEmpty()) {
                return bool.must().stream().anyMatch(QueryCompiler::requiresATerm);
            }
            return !bool.should().isEmpty() && bool.should().stream().allMatch(QueryCompiler::requiresATerm);
        }
        return !(node instanceof Node.Nothing) && !(node instanceof Node.MinUpvotes);
    }
}
