package io.paperalerts.mail;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The email templates (JTE, compiled to classes at build time from {@code src/main/jte}): HTML
 * parts escape everything they print by its context, then get {@code email.css} inlined; text
 * parts print as they are.
 */
public final class MailTemplates {

    private static final TemplateEngine HTML =
            TemplateEngine.createPrecompiled(null, ContentType.Html, null, "io.paperalerts.mail.templates.html");
    private static final TemplateEngine TEXT =
            TemplateEngine.createPrecompiled(null, ContentType.Plain, null, "io.paperalerts.mail.templates.text");
    private static final CssInliner CSS = CssInliner.fromResource("email.css");

    private MailTemplates() {}

    /** The HTML part: template {@code html/<name>.jte} of the one parameter {@code model}, CSS inlined. */
    public static String html(String name, Object model) {
        return CSS.inline(htmlWithoutCss(name, model));
    }

    /** The HTML part before the stylesheet is inlined (tests compare the two ways of inlining it). */
    static String htmlWithoutCss(String name, Object model) {
        StringOutput out = new StringOutput();
        HTML.render(name + ".jte", model, out);
        return out.toString();
    }

    /** The stylesheet inlined into every HTML part. */
    static CssInliner css() {
        return CSS;
    }

    /** The text part: template {@code text/<name>.jte}. */
    public static String text(String name, Object model) {
        StringOutput out = new StringOutput();
        TEXT.render(name + ".jte", model, out);
        return out.toString();
    }
}
