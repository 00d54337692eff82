package io.paperalerts.mail;

import io.paperalerts.schemas.Subscription;

/**
 * The emails about an address's subscriptions themselves (not papers): the confirmation of a new
 * subscription and the manage link asked for. Rendered by the templates {@code account.jte}.
 *
 * @param subject also the first line of both parts
 * @param lead what the email asks or offers, before the link
 * @param action the link's text
 * @param url where it leads (our own https link)
 * @param after what to do if the email was not expected
 */
public record AccountEmail(String subject, String lead, String action, String url, String after) {

    /** Asks to confirm a subscription, saying what it asks for as {@link AlertMailer#describe} does. */
    public static AccountEmail confirmation(Subscription subscription, String url) {
        return new AccountEmail(
                "Confirm your subscription",
                "Please confirm that " + MailText.oneLine(subscription.getEmail()) + " should receive paper alerts for "
                        + AlertMailer.describe(subscription) + ".",
                "Confirm the subscription",
                url,
                "If you did not ask for this, ignore this email: nothing is sent until you confirm.");
    }

    public static AccountEmail manageLink(String email, String url) {
        return new AccountEmail(
                "Manage your subscriptions",
                "Here is the link to see and change the paper-alerts subscriptions of " + MailText.oneLine(email)
                        + ". It works for a few days; asking for a new one ends it.",
                "Manage your subscriptions",
                url,
                "If you did not ask for this, ignore this email: nothing changes.");
    }

    public String text() {
        return MailTemplates.text("account", this);
    }

    public String html() {
        return MailTemplates.html("account", this);
    }
}
