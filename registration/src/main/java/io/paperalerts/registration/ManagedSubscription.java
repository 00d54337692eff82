package io.paperalerts.registration;

/**
 * One subscription on the manage page: what it is (its query, and in a sentence what it sends), where its forms post (with the manage token),
 * and its archive and feeds (null until it has an archive token).
 */
public record ManagedSubscription(
        String id,
        String query,
        String what,
        String status,
        String delivery,
        String updateAction,
        String renewAction,
        String deleteAction,
        String archiveUrl,
        String atomUrl,
        String jsonUrl) {}
