package io.paperalerts.registration;

import static io.paperalerts.notifier.Html.escape;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The server-rendered pages (confirm, manage, unsubscribe): small, accessible, everything escaped. */
final class Pages {

    static final String STYLE = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:42rem;margin:2rem auto;
            padding:0 1rem;line-height:1.5;color:#1d2330}h1{font-size:1.6rem}a{color:#1a56db}
            label{display:block;font-weight:600;margin-top:1rem}input,select,textarea{font:inherit;padding:.45rem;
            width:100%;box-sizing:border-box;border:1px solid #9aa3b5;border-radius:6px}
            button{font:inherit;margin-top:1rem;padding:.5rem 1.1rem;border:0;border-radius:6px;background:#1a56db;
            color:#fff;cursor:pointer}button.secondary{background:#6b7280}button:focus,input:focus,select:focus,
            textarea:focus{outline:3px solid #93c5fd}.card{border:1px solid #d8dce6;border-radius:8px;padding:1rem;
            margin:1rem 0}.muted{color:#5b6475}.error{color:#b42318}.ok{color:#067647}code{background:#f1f3f7;
            padding:0 .25rem;border-radius:4px}
            """;

    private Pages() {
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" + escape(title)
                + " · paper-alerts</title><style>" + STYLE + "</style></head><body><main><h1>" + escape(title) + "</h1>"
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
