package io.paperalerts.mail;

import io.paperalerts.schemas.Digest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Where the links of an email lead, with signed tokens: unsubscribe links long-lived
 * ({@code tokens}), manage links short-lived ({@code manageTokens}) and of the address's
 * current generation, so that revoking (the manage page's button) ends every older one.
 */
public record MailLinks(
        String baseUrl, String mailto, LinkTokens tokens, LinkTokens manageTokens, ManageGenerations generations) {

    /** Links with one lifetime for both kinds and no revocation (tests and tools). */
    public MailLinks(String baseUrl, String mailto, LinkTokens tokens) {
        this(baseUrl, mailto, tokens, tokens, ManageGenerations.none());
    }

    /** The links the {@code mail.*} keys of {@link MailConfig#define} configure. */
    public static MailLinks of(AbstractConfig config, Clock clock, ManageGenerations generations) {
        LinkTokens tokens = new LinkTokens(
                MailConfig.tokenSecret(config), Duration.ofDays(config.getInt(MailConfig.TOKEN_TTL_DAYS)), clock);
        return new MailLinks(
                config.getString(MailConfig.LINKS_BASE_URL).replaceFirst("/+$", ""),
                config.getString(MailConfig.UNSUBSCRIBE_MAILTO),
                tokens,
                tokens.withLifetime(Duration.ofDays(config.getInt(MailConfig.MANAGE_TTL_DAYS))),
                generations);
    }

    /**
     * Signed for the subscriptions the email is about; for an email about more than
     * {@link AlertMailer#MAX_UNSUBSCRIBE_IDS} of them, for all of the recipient's, which keeps the link
     * (and the {@code List-Unsubscribe} line) short.
     */
    String unsubscribe(Digest digest) {
        List<String> ids = AlertMailer.subscriptionIds(digest);
        return baseUrl + "/unsubscribe?token="
                + tokens.sign(
                        "unsubscribe",
                        digest.getRecipient(),
                        ids.size() > AlertMailer.MAX_UNSUBSCRIBE_IDS ? List.of() : ids);
    }

    /**
     * The archive page of a subscription; its feeds are below it ({@code /atom}, {@code /json}).
     * The token is the subscription's own secret ({@code archiveToken}), not a signature: the
     * owner revokes it by asking for a new one, and a feed reader's link never expires.
     */
    public String archive(String subscriptionId, String archiveToken) {
        return baseUrl + archivePath(subscriptionId, archiveToken);
    }

    /** {@link #archive} without the base URL, for links within our own pages. */
    public String archivePath(String subscriptionId, String archiveToken) {
        return "/archive/" + urlPart(subscriptionId) + "/" + urlPart(archiveToken);
    }

    private static String urlPart(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Where requests from our own pages come from: the scheme, host and port of the base URL. */
    public String origin() {
        URI uri = URI.create(baseUrl);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** The page where {@code recipient} sees and changes all of its subscriptions. */
    public String manage(String recipient) {
        return baseUrl + "/manage?token="
                + manageTokens.sign("manage", recipient, List.of(), generations.current(recipient));
    }

    /**
     * A paper's "more like this" and "less like this" links for its reader, signed for the paper
     * and of the address's current link generation (forgetting the address revokes them); null for
     * a paper id a token cannot name.
     */
    public DigestView.Opinions opinions(String recipient, String paperId) {
        if (paperId.isEmpty() || paperId.indexOf(',') >= 0 || paperId.indexOf('\n') >= 0) {
            return null;
        }
        String page = baseUrl + "/feedback?token="
                + tokens.signForTheDay("feedback", recipient, List.of(paperId), generations.current(recipient))
                + "&opinion=";
        return new DigestView.Opinions(page + "more", page + "less");
    }

    /** For tests and tools: a random secret per process, so the links work only while it runs. */
    static MailLinks local() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new MailLinks(
                "http://localhost:8080", "", new LinkTokens(secret, Duration.ofDays(365), Clock.systemUTC()));
    }
}
