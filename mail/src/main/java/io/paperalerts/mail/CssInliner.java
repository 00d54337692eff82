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
import java.util.Map;
import java.util.stream.Collectors;
import org.htmlunit.cssparser.dom.AbstractCSSRuleImpl;
import org.htmlunit.cssparser.dom.CSSStyleRuleImpl;
import org.htmlunit.cssparser.dom.CSSStyleSheetImpl;
import org.htmlunit.cssparser.dom.Property;
import org.htmlunit.cssparser.parser.CSSOMParser;
import org.htmlunit.cssparser.parser.InputSource;
import org.htmlunit.cssparser.parser.selector.Selector;
import org.htmlunit.cssparser.parser.selector.SelectorSpecificity;
import org.jsoup.Jsoup;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Moves a stylesheet into {@code style} attributes, because many email clients drop
 * {@code <style>} (the stylesheet is parsed by HtmlUnit's CSS parser, selectors are matched by
 * jsoup). Rules apply in the cascade's order: by specificity, then in source order, and an
 * element's own {@code style} last. What cannot be inlined ({@code @media}, e.g. dark mode) stays
 * in a {@code <style>} element for the clients that read it.
 */
public final class CssInliner {

    private record Rule(String selector, SelectorSpecificity specificity, int order, Map<String, String> declarations) {
    }

    private final List<Rule> rules;
    private final String kept;

    private CssInliner(List<Rule> rules, String kept) {
        this.rules = rules;
        this.kept = kept;
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
            parser.setErrorHandler(new org.htmlunit.cssparser.parser.CSSErrorHandler() {
                @Override
                public void warning(org.htmlunit.cssparser.parser.CSSParseException e) {
                    errors.add(e.getMessage());
                }

                @Override
                public void error(org.htmlunit.cssparser.parser.CSSParseException e) {
                    errors.add(e.getMessage());
                }

                @Override
                public void fatalError(org.htmlunit.cssparser.parser.CSSParseException e) {
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
                    declarations.put(property.getName(), property.getValue().getCssText()
                            + (property.isImportant() ? " !important" : ""));
                }
                for (Selector selector : style.getSelectors()) {
                    rules.add(new Rule(selector.toString(), selector.getSelectorSpecificity(), rules.size(),
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
        Document document = Jsoup.parse(html);
        document.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);
        Map<Element, Map<String, String>> styles = new IdentityHashMap<>();
        for (Rule rule : rules) {
            for (Element element : document.select(rule.selector())) {
                styles.computeIfAbsent(element, e -> new LinkedHashMap<>()).putAll(rule.declarations());
            }
        }
        styles.forEach((element, declarations) -> {
            String own = element.attr("style");
            String inlined = declarations.entrySet().stream().map(d -> d.getKey() + ":" + d.getValue())
                    .collect(Collectors.joining(";"));
            element.attr("style", own.isBlank() ? inlined : inlined + ";" + own);
        });
        if (!kept.isEmpty()) {
            document.head().appendElement("style").appendChild(new DataNode(kept));
        }
        return document.outerHtml();
    }
}
