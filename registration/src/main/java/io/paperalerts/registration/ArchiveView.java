package io.paperalerts.registration;

import io.paperalerts.mail.DigestView;
import java.util.List;

/**
 * One page of a subscription's archive, newest first.
 *
 * @param first the number of the page's first match (1 on the first page)
 * @param newerUrl the page before, or null on the first
 * @param olderUrl the page after, or null on the last
 */
public record ArchiveView(
        String title,
        String summary,
        int first,
        List<DigestView.Item> items,
        String newerUrl,
        String olderUrl,
        String atomUrl,
        String jsonUrl) {}
