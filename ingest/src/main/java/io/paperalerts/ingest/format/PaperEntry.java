package io.paperalerts.ingest.format;

import io.paperalerts.schemas.Paper;

/** One record of a source, read as a paper or rejected with the reason. */
public sealed interface PaperEntry {

    /** Where in the source, e.g. {@code line 3} or {@code entry 2}. */
    String position();

    record Parsed(String position, Paper paper) implements PaperEntry {}

    record Rejected(String position, String reason, byte[] raw) implements PaperEntry {}
}
