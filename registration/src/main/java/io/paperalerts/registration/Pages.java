package io.paperalerts.registration;

import static io.paperalerts.mail.Html.escape;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The server-rendered pages (confirm, manage, unsubscribe): small, accessible, everything escaped. */
final class Pages {

    private Pages() {
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" + escape(title)
                + " · paper-alerts</title><link rel=\"stylesheet\" href=\"/assets/pages.css\"></head><body><main><h1>"
                + escape(title) + "</h1>"
                + body + "</main><p class=\"muted\"><a href=\"/\">paper-alerts</a></p></body></html>";
    }

    static String message(String title, String text, boolean ok) {
        return page(title, "<p id=\"result\" role=\"status\" class=\"" + (ok ? "ok" : "error") + "\">" + escape(text)
                + "</p>");
    }

    static String confirm(Subscription subscription, String token) {
        return page("Confirm your subscription", "<p>Send papers matching <code>" + escape(subscription.getQuery())
                + "</code> to <b>" + escape(subscription.getEmail()) + "</b>, delivered "
                + mode(subscription.getDelivery()) + "?</p>"
                + "<form method=\"post\" action=\"/confirm\"><input type=\"hidden\" name=\"token\" value=\""
                + escape(token) + "\"><button id=\"confirm\" type=\"submit\">Confirm subscription</button></form>");
    }

    static String unsubscribe(List<Subscription> subscriptions, String token) {
        StringBuilder list = new StringBuilder("<ul>");
        subscriptions.forEach(s -> list.append("<li><code>").append(escape(s.getQuery())).append("</code></li>"));
        list.append("</ul>");
        return page("Unsubscribe", "<p>Stop these alerts?</p>" + list
                + "<form method=\"post\" action=\"/unsubscribe?token=" + url(token) + "\">"
                + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button id=\"unsubscribe\" type=\"submit\">Unsubscribe</button></form>");
    }

    static String manage(String email, List<Subscription> subscriptions, String token) {
        StringBuilder body = new StringBuilder("<p>Subscriptions of <b>").append(escape(email)).append("</b></p>");
        if (subscriptions.isEmpty()) {
            body.append("<p id=\"none\">No subscriptions. <a href=\"/\">Subscribe</a></p>");
        }
        for (Subscription s : subscriptions) {
            String id = escape(s.getId());
            String action = "/manage/" + url(s.getId()) + "?token=" + url(token);
            body.append("<div class=\"card\" id=\"sub-").append(id).append("\"><p class=\"muted\">")
                    .append(escape(s.getStatus().name().toLowerCase(Locale.ROOT))).append("</p>")
                    .append("<form method=\"post\" action=\"").append(escape(action)).append("\">")
                    .append("<label for=\"q-").append(id).append("\">Query</label><input id=\"q-").append(id)
                    .append("\" name=\"query\" value=\"").append(escape(s.getQuery())).append("\">")
                    .append("<label for=\"d-").append(id).append("\">Delivery</label><select id=\"d-").append(id)
                    .append("\" name=\"delivery\">");
            for (DeliveryMode mode : DeliveryMode.values()) {
                String value = mode.name().toLowerCase(Locale.ROOT);
                body.append("<option value=\"").append(value).append("\"")
                        .append(mode == s.getDelivery() ? " selected" : "").append(">").append(value).append("</option>");
            }
            body.append("</select><button type=\"submit\">Save</button></form>")
                    .append("<form method=\"post\" action=\"").append(escape("/manage/" + url(s.getId())
                            + "/delete?token=" + url(token))).append("\">")
                    .append("<button class=\"secondary\" type=\"submit\">Delete</button></form></div>");
        }
        return page("Your subscriptions", body.toString());
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
