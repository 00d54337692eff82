package io.paperalerts.notifier;

import static io.paperalerts.notifier.FailureClassifier.Verdict.GIVE_UP;
import static io.paperalerts.notifier.FailureClassifier.Verdict.RETRY_LATER;
import static io.paperalerts.notifier.FailureClassifier.Verdict.WAIT_FOR_SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    private static final InternetAddress ADA = address("ada@example.org");

    @Test
    void shouldRetryTheMessageLaterWhenTheServerRepliesWith4xxToIt() {
        var failure = new SMTPSendFailedException("DATA", 451, "451 4.3.0 Try again later", null, null, null, null);

        assertThat(FailureClassifier.classify(failure)).isEqualTo(RETRY_LATER);
        assertThat(FailureClassifier.smtpReplyCode(failure)).isEqualTo(451);
    }

    @Test
    void shouldRetryTheMessageLaterWhenARecipientIsTemporarilyRefused() {
        var recipient = new SMTPAddressFailedException(ADA, "RCPT TO", 452, "452 4.2.2 Mailbox full");
        var failure = new SendFailedException("Invalid Addresses", recipient, null, null, new Address[] {ADA});

        assertThat(FailureClassifier.classify(failure)).isEqualTo(RETRY_LATER);
    }

    @Test
    void shouldWaitForTheServerWhenItIsClosingTheConnection() {
        var failure =
                new SMTPSendFailedException("MAIL", 421, "421 4.3.2 Service shutting down", null, null, null, null);

        assertThat(FailureClassifier.classify(failure)).isEqualTo(WAIT_FOR_SERVER);
    }

    @Test
    void shouldGiveUpWhenTheServerRepliesWith5xxToTheMessage() {
        var failure = new SMTPSendFailedException("DATA", 554, "554 5.7.1 Message rejected", null, null, null, null);

        assertThat(FailureClassifier.classify(failure)).isEqualTo(GIVE_UP);
    }

    @Test
    void shouldGiveUpWhenARecipientDoesNotExist() {
        var recipient = new SMTPAddressFailedException(ADA, "RCPT TO", 550, "550 5.1.1 No such user");
        var failure = new SendFailedException("Invalid Addresses", recipient, null, null, new Address[] {ADA});

        assertThat(FailureClassifier.classify(failure)).isEqualTo(GIVE_UP);
        assertThat(FailureClassifier.smtpReplyCode(failure)).isEqualTo(550);
        assertThat(FailureClassifier.smtpReply(failure)).isEqualTo("550 5.1.1 No such user");
    }

    @Test
    void shouldGiveUpOnAMalformedAddress() {
        assertThat(FailureClassifier.classify(new AddressException("Missing domain", "ada@")))
                .isEqualTo(GIVE_UP);
    }

    @Test
    void shouldWaitForTheServerWhenItCannotBeReached() {
        var failure = new MailConnectException(new SocketConnectException(
                "Connection refused", new ConnectException("Connection refused"), "localhost", 1025, 10_000));
        assertThat(FailureClassifier.classify(failure)).isEqualTo(WAIT_FOR_SERVER);

        var refused = new MessagingException("Could not connect", new ConnectException("Connection refused"));
        assertThat(FailureClassifier.classify(refused)).isEqualTo(WAIT_FOR_SERVER);
    }

    @Test
    void shouldWaitForTheServerOnATimeout() {
        var failure =
                new MessagingException("Exception reading response", new SocketTimeoutException("Read timed out"));

        assertThat(FailureClassifier.classify(failure)).isEqualTo(WAIT_FOR_SERVER);
    }

    @Test
    void shouldGiveUpOnAFailureThatIsNotAboutMail() {
        assertThat(FailureClassifier.classify(new IllegalArgumentException("bad template")))
                .isEqualTo(GIVE_UP);
    }

    private static InternetAddress address(String value) {
        try {
            return new InternetAddress(value);
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
    }
}
