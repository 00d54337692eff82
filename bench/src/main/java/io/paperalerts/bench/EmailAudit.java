package io.paperalerts.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The verdict on a run's emails, against the oracle: every expected (recipient, paper) pair
 * emailed exactly once, and nothing else. Any missing, duplicated or unexpected pair is a
 * failure, and a failure makes the benchmark exit non-zero: a fast wrong run gives no figure.
 *
 * <p>Pairs are {@code recipient|paperId}, as {@link CountingSmtpServer} notes them; a run's
 * recipients end in {@code @<runId>.bench}, so runs on one server are audited apart.
 *
 * @param missing expected pairs neither emailed nor counted in a digest over its size limit
 * @param duplicated pairs emailed more than once
 * @param unexpected pairs emailed that the oracle does not expect (marker pairs excepted)
 */
record EmailAudit(String runId, long expected, long missing, long duplicated, long unexpected) {

    /**
     * @param expected paper id -> recipients, the pairs the run measures
     * @param earlier paper id -> recipients, pairs of the run emailed before what is measured (a warm-up)
     * @param omitted pairs that digests over their size limit counted without listing them
     * @param arrivals every pair the SMTP server accepted (each once)
     * @param duplicates every acceptance of a pair after its first
     */
    static EmailAudit of(
            String runId,
            Map<String, List<String>> expected,
            Map<String, List<String>> earlier,
            long omitted,
            Map<String, Long> arrivals,
            Collection<String> duplicates) {
        String suffix = "@" + runId + ".bench|";
        long pairs = pairs(expected);
        long emailed = found(expected, (recipient, paperId) -> arrivals.get(recipient + "|" + paperId));
        long duplicated = duplicates.stream().filter(p -> p.contains(suffix)).count();
        long unexpected = arrivals.keySet().stream()
                .filter(p -> p.contains(suffix) && !p.startsWith("marker"))
                .filter(p -> {
                    String[] rp = p.split("\\|", 2);
                    List<String> recipients = expected.getOrDefault(rp[1], earlier.get(rp[1]));
                    return recipients == null || !recipients.contains(rp[0]);
                })
                .count();
        return new EmailAudit(runId, pairs - omitted, Math.max(0, pairs - omitted - emailed), duplicated, unexpected);
    }

    /** When a pair arrived somewhere (a topic, the SMTP server), or {@code null}. */
    @FunctionalInterface
    interface Arrival {
        Long at(String recipient, String paperId);
    }

    /** How many (recipient, paper) pairs: paper id -> recipients. */
    static long pairs(Map<String, List<String>> pairs) {
        return pairs.values().stream().mapToLong(List::size).sum();
    }

    /** How many of the pairs have arrived. */
    static long found(Map<String, List<String>> pairs, Arrival arrival) {
        long found = 0;
        for (var entry : pairs.entrySet()) {
            for (String recipient : entry.getValue()) {
                if (arrival.at(recipient, entry.getKey()) != null) {
                    found++;
                }
            }
        }
        return found;
    }

    /** One line per kind of wrong pair; empty when the run's emails are right. */
    List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (missing > 0) {
            failures.add(runId + ": " + missing + " of " + expected
                    + " expected (recipient, paper) pairs were neither emailed nor counted as omitted");
        }
        if (duplicated > 0) {
            failures.add(runId + ": " + duplicated + " (recipient, paper) pairs were emailed twice");
        }
        if (unexpected > 0) {
            failures.add(runId + ": " + unexpected + " (recipient, paper) pairs were emailed that do not match");
        }
        return failures;
    }
}
