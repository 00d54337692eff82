package io.paperalerts.papers;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The links of a paper come from outside (feeds, files): only absolute {@code http(s)} URLs with
 * a host become links, at ingest and wherever one is rendered. A {@code javascript:} or
 * {@code data:} URL in an {@code href} would run in the reader's page or mail client.
 */
public final class PaperUrls {

    private PaperUrls() {}

    /** The URL if it is an absolute http or https URL with a host, else {@code null}. */
    public static String httpOrNull(String raw) {
        if (raw == null) {
            return null;
        }
        String url = raw.strip();
        if (url.isEmpty() || url.length() > 2_000 || url.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getHost().isEmpty()) {
                return null;
            }
            return url;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
