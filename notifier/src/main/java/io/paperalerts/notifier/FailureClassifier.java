package io.paperalerts.notifier;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import java.io.IOException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Decides whether a failed delivery is worth retrying, and what the retry waits for. SMTP says so
 * itself: a 4xx reply is transient (mailbox busy, greylisting, rate limit) and about this message,
 * so only this message waits; a 5xx reply is permanent (no such user, rejected). Failing to reach
 * the server at all, or a 421 (service closing), is transient and about every message, so
 * everything waits for the server. A malformed address is permanent.
 */
public final class FailureClassifier {

    /** What to do with a failed delivery. */
    public enum Verdict {
        /** The server is unreachable or closing: wait, then retry this and every later message. */
        WAIT_FOR_SERVER,
        /** The server refused this message for now: retry it later, go on with the others. */
        RETRY_LATER,
        /** Will never succeed. */
        GIVE_UP
    }

    private FailureClassifier() {}

    public static Verdict classify(Exception failure) {
        if (failure instanceof AddressException) {
            return Verdict.GIVE_UP;
        }
        Integer code = smtpReplyCode(failure);
        if (code != null) {
            if (code == 421) {
                return Verdict.WAIT_FOR_SERVER;
            }
            return code >= 400 && code < 500 ? Verdict.RETRY_LATER : Verdict.GIVE_UP;
        }
        if (failure instanceof SendFailedException sendFailed
                && sendFailed.getInvalidAddresses() != null
                && sendFailed.getInvalidAddresses().length > 0) {
            return Verdict.GIVE_UP;
        }
        if (failure instanceof MailConnectException || hasIoCause(failure)) {
            return Verdict.WAIT_FOR_SERVER;
        }
        // Unknown messaging failures (e.g. the connection dropped mid-conversation) are retried:
        // giving up would lose an alert, retrying only delays it.
        return failure instanceof MessagingException ? Verdict.WAIT_FOR_SERVER : Verdict.GIVE_UP;
    }

    /** The SMTP reply code in the failure or its chain, if the server sent one. */
    public static Integer smtpReplyCode(Exception failure) {
        for (Throwable t = failure; t != null; t = nextOf(t)) {
            if (t instanceof SMTPAddressFailedException e) {
                return e.getReturnCode();
            }
            if (t instanceof SMTPSendFailedException e) {
                return e.getReturnCode();
            }
        }
        return null;
    }

    /** The SMTP server's own reply line in the failure or its chain (e.g. "550 5.1.1 No such user"), if any. */
    public static String smtpReply(Exception failure) {
        for (Throwable t = failure; t != null; t = nextOf(t)) {
            if (t instanceof SMTPAddressFailedException || t instanceof SMTPSendFailedException) {
                return t.getMessage() == null ? null : t.getMessage().strip();
            }
        }
        return null;
    }

    private static boolean hasIoCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = nextOf(t)) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable nextOf(Throwable t) {
        Throwable next =
                t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        return next == t ? null : next;
    }
}
