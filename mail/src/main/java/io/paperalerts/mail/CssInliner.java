package io.paperalerts.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.htmlunit.cssparser.dom.AbstractCSSRuleImpl;
import org.htmlunit.cssparser.dom.CSSStyleRuleImpl;
import org.htmlunit.cssparser.dom.CSSStyleSheetImpl;
import org.htmlunit.cssparser.dom.Property;
import org.htmlunit.cssparser.parser.CSSErrorHandler;
import org.htmlunit.cssparser.parser.CSSOMParser;
import org.htmlunit.cssparser.parser.CSSParseException;
import org.htmlunit.cssparser.parser.InputSource;
import org.htmlunit.cssparser.parser.selector.Selector;
import org.htmlunit.cssparser.parser.selector.SelectorSpecificity;
import org.jsoup.Jsoup;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Moves a stylesheet into {@code style} attributes, because many email clients drop
 * {@code <style>} (the stylesheet is parsed by HtmlUnit's CSS parser, selectors are matched by
 * jsoup). Rules apply in the cascade's order: by specificity, then in source order, and an
 * element's own {@code style} last. What cannot be inlined ({@code @media}, e.g. dark mode) stays
 * in a {@code <style>} element for the clients that read it.
 *
 * <p>Parsing and selecting every email's document cost about a third of the notifier's CPU. When
 * every selector is structural (types, classes, ids, descendant and child combinators), what an
 * element gets depends only on the chain of elements from the root to it, which the template
 * fixes (paper data is escaped text, never markup): those chains are few, so each one's style is
 * worked out once with jsoup and remembered, and the document is only scanned for its tags. A
 * document the scan does not understand (comments aside: scripts, own {@code style} attributes,
 * stray markup) takes the jsoup path.
 */
public final class CssInliner {

    private record Rule(
            String selector,
            Evaluator evaluator,
            SelectorSpecificity specificity,
            int order,
            Map<String, String> declarations) {}

    private static final Pattern STRUCTURAL = Pattern.compile("[A-Za-z0-9_\\-.#>*\\s]+");
    private static final Set<String> VOID = Set.of(
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr");
    private static final Set<String> RAW_TEXT = Set.of(
            "script",
            "style",
            "textarea",
            "xmp",
            "iframe",
            "noembed",
            "noframes",
            "noscript",
            "plaintext",
            "template",
            "svg",
            "math");
    private static final Set<String> CLOSES_P = Set.of(
            "address",
            "article",
            "aside",
            "blockquote",
            "details",
            "div",
            "dl",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "main",
            "menu",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "ul",
            "li",
            "dd",
            "dt");
    /** Chains come from templates, so they are few; the bound only keeps a surprise from growing the heap. */
    private static final int MAX_CHAINS = 4_096;

    private final List<Rule> rules;
    private final String kept;
    private final boolean structural;
    private final Map<String, String> styleByChain = new ConcurrentHashMap<>();

    private CssInliner(List<Rule> rules, String kept) {
        this.rules = rules;
        this.kept = kept;
        this.structural =
                rules.stream().allMatch(r -> STRUCTURAL.matcher(r.selector()).matches());
    }

    /** The stylesheet at {@code resource}, next to this class. */
    public static CssInliner fromResource(String resource) {
        try (InputStream in = CssInliner.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing stylesheet " + resource);
            }
            return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CssInliner of(String css) {
        CSSStyleSheetImpl sheet;
        try {
            CSSOMParser parser = new CSSOMParser();
            List<String> errors = new ArrayList<>();
            parser.setErrorHandler(new CSSErrorHandler() {
                @Override
                public void warning(CSSParseException e) {
                    errors.add(e.getMessage());
                }

                @Override
                public void error(CSSParseException e) {
                    errors.add(e.getMessage());
                }

                @Override
                public void fatalError(CSSParseException e) {
                    errors.add(e.getMessage());
                }
            });
            sheet = parser.parseStyleSheet(new InputSource(new StringReader(css)), null);
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("Invalid stylesheet: " + String.join("; ", errors));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Rule> rules = new ArrayList<>();
        StringBuilder kept = new StringBuilder();
        for (AbstractCSSRuleImpl rule : sheet.getCssRules().getRules()) {
            if (rule instanceof CSSStyleRuleImpl style) {
                Map<String, String> declarations = new LinkedHashMap<>();
                for (Property property : style.getStyle().getProperties()) {
                    declarations.put(
                            property.getName(),
                            property.getValue().getCssText() + (property.isImportant() ? " !important" : ""));
                }
                for (Selector selector : style.getSelectors()) {
                    rules.add(new Rule(
                            selector.toString(),
                            QueryParser.parse(selector.toString()),
                            selector.getSelectorSpecificity(),
                            rules.size(),
                            declarations));
                }
            } else {
                kept.append(rule.getCssText()).append('\n');
            }
        }
        rules.sort(Comparator.comparing(Rule::specificity).thenComparingInt(Rule::order));
        return new CssInliner(List.copyOf(rules), kept.toString());
    }

    /** The document with the stylesheet's rules in its elements' {@code style} attributes. */
    public String inline(String html) {
        String scanned = structural ? inlineByChain(html) : null;
        return scanned != null ? scanned : inlineWithJsoup(html);
    }

    /** What {@link #inline} gives, always by parsing the whole document (the reference for the scan). */
    String inlineWithJsoup(String html) {
        Document document = Jsoup.parse(html);
        document.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);
        IdentityHashMap<Element, Map<String, String>> styles = new IdentityHashMap<>();
        for (Rule rule : rules) {
            for (Element element : document.select(rule.selector())) {
                styles.computeIfAbsent(element, e -> new LinkedHashMap<>()).putAll(rule.declarations());
            }
        }
        styles.forEach((element, declarations) -> {
            String own = element.attr("style");
            String inlined = declarations.entrySet().stream()
                    .map(d -> d.getKey() + ":" + d.getValue())
                    .collect(Collectors.joining(";"));
            element.attr("style", own.isBlank() ? inlined : inlined + ";" + own);
        });
        if (!kept.isEmpty()) {
            document.head().appendElement("style").appendChild(new DataNode(kept));
        }
        return document.outerHtml();
    }

    /** The scan: each start tag gets its chain's style; {@code null} where the document needs the parser. */
    String inlineByChain(String html) {
        StringBuilder out = new StringBuilder(html.length() + html.length() / 2);
        List<String> names = new ArrayList<>();
        List<String> chains = new ArrayList<>();
        List<Tag> tags = new ArrayList<>();
        int copied = 0;
        boolean headClosed = false;
        int i = html.indexOf('<');
        while (i >= 0) {
            if (html.startsWith("<!--", i)) {
                int end = html.indexOf("-->", i + 4);
                if (end < 0) {
                    return null;
                }
                i = html.indexOf('<', end + 3);
                continue;
            }
            int next = i + 1 < html.length() ? html.charAt(i + 1) : -1;
            if (next == '!') {
                int end = html.indexOf('>', i);
                if (end < 0) {
                    return null;
                }
                i = html.indexOf('<', end + 1);
                continue;
            }
            boolean closing = next == '/';
            int nameStart = closing ? i + 2 : i + 1;
            int nameEnd = nameStart;
            while (nameEnd < html.length() && isNameChar(html.charAt(nameEnd))) {
                nameEnd++;
            }
            if (nameEnd == nameStart || !Character.isLetter(html.charAt(nameStart))) {
                return null;
            }
            String name = html.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
            StartTag attributes = StartTag.scan(html, nameEnd);
            if (attributes == null) {
                return null;
            }
            int end = attributes.end();
            boolean selfClosing = attributes.selfClosing();
            String classes = attributes.classes();
            String id = attributes.id();
            if (closing) {
                int open = names.lastIndexOf(name);
                if (open < 0) {
                    return null;
                }
                names.subList(open, names.size()).clear();
                chains.subList(open, chains.size()).clear();
                tags.subList(open, tags.size()).clear();
                if (name.equals("head") && !kept.isEmpty()) {
                    out.append(html, copied, i).append("<style>").append(kept).append("</style>");
                    copied = i;
                    headClosed = true;
                }
            } else {
                if (RAW_TEXT.contains(name) || (CLOSES_P.contains(name) && names.contains("p"))) {
                    // Raw text is not markup; a block in a paragraph closes it: the parser's business.
                    return null;
                }
                String chain =
                        (chains.isEmpty() ? "" : chains.get(chains.size() - 1)) + "/" + name + "." + classes + "#" + id;
                Tag tag = new Tag(name, classes, id);
                String style = styleByChain.get(chain);
                if (style == null) {
                    style = styleOf(tags, tag);
                    if (styleByChain.size() < MAX_CHAINS) {
                        styleByChain.put(chain, style);
                    }
                }
                if (!style.isEmpty()) {
                    out.append(html, copied, end)
                            .append(" style=\"")
                            .append(style)
                            .append('"');
                    copied = end;
                }
                if (!selfClosing && !VOID.contains(name)) {
                    names.add(name);
                    chains.add(chain);
                    tags.add(tag);
                }
            }
            i = html.indexOf('<', end);
        }
        if (!kept.isEmpty() && !headClosed) {
            return null;
        }
        return out.append(html, copied, html.length()).toString();
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == ':';
    }

    /** What structural selectors see of an element; a jsoup element is made of it only for a chain not seen yet. */
    private record Tag(String name, String classes, String id) {

        Element toElement() {
            Element element = new Element(name);
            if (!classes.isEmpty()) {
                element.attr("class", classes);
            }
            if (!id.isEmpty()) {
                element.attr("id", id);
            }
            return element;
        }
    }

    /** The style attribute (escaped) an element gets below {@code ancestors}, by jsoup's selectors. */
    private String styleOf(List<Tag> ancestors, Tag tag) {
        Document root = new Document("");
        Element parent = root;
        for (Tag ancestor : ancestors) {
            Element element = ancestor.toElement();
            parent.appendChild(element);
            parent = element;
        }
        Element self = tag.toElement();
        parent.appendChild(self);
        Map<String, String> declarations = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (self.is(rule.evaluator())) {
                declarations.putAll(rule.declarations());
            }
        }
        return declarations.entrySet().stream()
                .map(d -> d.getKey() + ":" + d.getValue())
                .collect(Collectors.joining(";"))
                .replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;");
    }
}
