package io.paperalerts.registration;

import io.javalin.http.Context;

/**
 * Headers every answer carries. The pages load their script and styles from {@code /assets} and
 * have no inline script, style or event handler, so the policy allows nothing else: injected
 * markup could neither run nor load anything. Pages carry tokens in their links, so nothing is
 * stored by caches, and no referrer leaves for another site with them.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private SecurityHeaders() {}

    static void add(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        // Not no-referrer: with it, browsers send "Origin: null" on our own forms.
        ctx.header("Referrer-Policy", "same-origin");
        if (ctx.res().getHeader("Cache-Control") == null) {
            // Archive pages and feeds say otherwise: they revalidate with their ETag.
            ctx.header("Cache-Control", "no-store");
        }
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    }
}
