package io.paperalerts.matching;

/** A subscription query that cannot be accepted; the message says what is wrong and where. */
public final class InvalidQueryException extends IllegalArgumentException {

    public InvalidQueryException(String message) {
        super(message);
    }
}
