package io.paperalerts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** Checks of rendered HTML given hostile data: whatever the data was, only the template's markup. */
public final class Markup {

    private Markup() {}

    /**
     * Every element is one of {@code ours}, none has an event attribute, and every link, stylesheet
     * and form target matches {@code targets}.
     *
     * @return the parsed document, for the caller's own checks
     */
    public static Document assertOnly(String html, Set<String> ours, String targets) {
        Document document = Jsoup.parse(html);
        assertThat(document.getAllElements())
                .extracting(Element::tagName)
                .allMatch(ours::contains, "one of our own elements");
        for (Element element : document.getAllElements()) {
            assertThat(element.attributes().asList())
                    .extracting(Attribute::getKey)
                    .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("on"));
        }
        for (Element linking : document.select("a[href], link[href], form[action]")) {
            assertThat(linking.hasAttr("href") ? linking.attr("href") : linking.attr("action"))
                    .matches(targets);
        }
        return document;
    }
}
