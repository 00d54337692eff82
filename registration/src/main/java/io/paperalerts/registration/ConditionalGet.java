package io.paperalerts.registration;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.paperalerts.fingerprint.Sha256;

/** Entity tags (RFC 9110 section 8.8.3) for answers built per request, and {@code If-None-Match}. */
final class ConditionalGet {

    private ConditionalGet() {}

    /**
     * Answers {@code body} with its tag and {@code Cache-Control}, or 304 without a body when the
     * client has it already ({@code If-None-Match}).
     */
    static void answer(Context ctx, byte[] body, String etag, String contentType, String cacheControl) {
        ctx.header("ETag", etag).header("Cache-Control", cacheControl);
        if (matches(ctx.header("If-None-Match"), etag)) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return;
        }
        ctx.contentType(contentType).result(body);
    }

    /** A strong tag of these exact bytes. */
    static String etag(byte[] body) {
        return "\"" + Sha256.hex(body, 16) + "\"";
    }

    /**
     * Whether {@code If-None-Match} names this tag: {@code *}, or one of a comma-separated list,
     * compared weakly as the RFC says for GET ({@code W/"x"} matches {@code "x"}).
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
