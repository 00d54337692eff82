package io.paperalerts.registration;

import io.javalin.http.Context;

/**
 * What every request passes before its route: not from another site if it changes anything, and
 * within its client's limit; and who the client is.
 */
final class RequestGuards {

    private final RateLimits limits;
    private final ClientAddress clients;
    private final String ownOrigin;

    RequestGuards(RateLimits limits, ClientAddress clients, String ownOrigin) {
        this.limits = limits;
        this.clients = clients;
        this.ownOrigin = ownOrigin;
    }

    String client(Context ctx) {
        return clients.of(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /** Every state-changing request, every preview and every list of papers counts against its client's per-minute limit. */
    void limitActions(Context ctx) {
        if (changesState(ctx) || ctx.path().equals("/api/preview") || ctx.path().equals("/api/papers")) {
            limits.action(client(ctx));
        }
    }

    /**
     * State-changing requests only from our own pages, mail clients (one-click unsubscribe) and
     * scripts: a browser sending one from another site (a hostile page's form or no-cors fetch)
     * says so in {@code Sec-Fetch-Site} or {@code Origin}.
     */
    void refuseCrossSite(Context ctx) {
        if (!changesState(ctx)) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            // Browsers that send it say exactly where the request comes from ("none": typed or bookmarked).
            if (site.equalsIgnoreCase("cross-site")) {
                throw ApiError.forbidden("cross-site requests are refused");
            }
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null
                && !origin.equalsIgnoreCase(ctx.scheme() + "://" + ctx.host())
                && !origin.equalsIgnoreCase(ownOrigin)) {
            throw ApiError.forbidden("requests from " + origin + " are refused");
        }
    }

    /** Anything but GET, HEAD and OPTIONS, which never change anything here. */
    private static boolean changesState(Context ctx) {
        String method = ctx.method().name();
        return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    }
}
