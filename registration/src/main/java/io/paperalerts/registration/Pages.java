package io.paperalerts.registration;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server-rendered pages (confirm, manage, unsubscribe, archive), from the JTE templates in
 * {@code src/main/jte}, compiled at build time: they escape everything they print by its context,
 * so outside text (queries, addresses, paper data) can never become markup.
 */
final class Pages {

    private static final TemplateEngine TEMPLATES =
            TemplateEngine.createPrecompiled(null, ContentType.Html, null, "io.paperalerts.registration.templates");
    private static final List<String> MODES = Arrays.stream(DeliveryMode.values())
            .map(m -> m.name().toLowerCase(Locale.ROOT))
            .toList();

    private Pages() {}

    private static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        TEMPLATES.render(template + ".jte", params, out);
        return out.toString();
    }

    static String message(String title, String text, boolean ok) {
        return message(title, text, ok, null);
    }

    /** A message, with a link to the manage page when {@code manageUrl} is not null. */
    static String message(String title, String text, boolean ok, String manageUrl) {
        Map<String, Object> params = new HashMap<>();
        params.put("title", title);
        params.put("text", text);
        params.put("ok", ok);
        params.put("manageUrl", manageUrl);
        return render("message", params);
    }

    static String confirm(Subscription subscription, String token) {
        return render(
                "confirm",
                Map.of(
                        "what",
                        AlertMailer.describe(subscription),
                        "email",
                        subscription.getEmail(),
                        "delivery",
                        mode(subscription.getDelivery()),
                        "token",
                        token));
    }

    static String unsubscribe(List<Subscription> subscriptions, String token) {
        return render(
                "unsubscribe",
                Map.of(
                        "queries",
                        subscriptions.stream().map(Subscription::getQuery).toList(),
                        "action",
                        "/unsubscribe?token=" + url(token)));
    }

    /** @param opinions the reader's feedback, or null when it cannot be read this instant */
    static String manage(
            String email,
            List<ManagedSubscription> subscriptions,
            String revokeAction,
            String forgetAction,
            List<ManagedOpinion> opinions,
            String undoAction) {
        Map<String, Object> params = new HashMap<>();
        params.put("email", email);
        params.put("subscriptions", subscriptions);
        params.put("modes", MODES);
        params.put("revokeAction", revokeAction);
        params.put("forgetAction", forgetAction);
        params.put("opinions", opinions);
        params.put("undoAction", undoAction);
        return render("manage", params);
    }

    /** @param more whether "more like this" is the first button (the link clicked was) */
    static String feedback(String title, String email, String token, boolean more) {
        return render("feedback", Map.of("title", title, "email", email, "token", token, "more", more));
    }

    static String feedbackSaved(String text, String undoAction, String token, String manageUrl) {
        return render(
                "feedback-saved",
                Map.of("text", text, "undoAction", undoAction, "token", token, "manageUrl", manageUrl));
    }

    static String archive(ArchiveView view) {
        return render("archive", Map.of("view", view));
    }

    private static String mode(DeliveryMode mode) {
        return switch (mode) {
            case INSTANT -> "as they appear";
            case DAILY -> "once a day";
            case WEEKLY -> "once a week";
        };
    }

    static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
