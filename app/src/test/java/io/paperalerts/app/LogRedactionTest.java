package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/**
 * The log layouts the jar ships (text, and {@code log.format=json}) write no email address, whoever
 * logged it: our lines, a library's, or an exception's message and stack trace.
 */
class LogRedactionTest {

    @Test
    void shouldWriteEveryAddressOfAMessageAndItsExceptionAsAPlaceholderInBothFormats() throws Exception {
        // Given a line whose message and exception carry addresses, as an SMTP reply or a library may
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("org.example.Library")
                .setLevel(Level.WARN)
                .setMessage(
                        new SimpleMessage("550 5.1.1 <bounce.user@mail.example.org>: rejected; cc ada+x@example.org"))
                .setThrown(new IllegalStateException("Invalid Addresses: carol.o@example.co.uk"))
                .build();

        for (String configuration : List.of("log4j2.properties", "log4j2-json.properties")) {
            // When the layout of that configuration writes it
            String line = layout(configuration).toSerializable(event).toString();

            // Then every address is <address>, and the rest of the line is there
            assertThat(line)
                    .as(configuration)
                    .doesNotContainPattern("[\\w.+-]@[\\w-]")
                    .contains(
                            "550 5.1.1 <<address>>: rejected; cc <address>",
                            "Invalid Addresses: <address>",
                            "IllegalStateException",
                            "LogRedactionTest");
        }
    }

    private static Layout<?> layout(String resource) throws Exception {
        LoggerContext context = new LoggerContext("redaction-" + resource);
        Configuration configuration = ConfigurationFactory.getInstance()
                .getConfiguration(
                        context, ConfigurationSource.fromResource(resource, LogRedactionTest.class.getClassLoader()));
        configuration.initialize();
        return configuration.getAppender("console").getLayout();
    }
}
