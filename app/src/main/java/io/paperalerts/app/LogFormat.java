package io.paperalerts.app;

import java.net.URISyntaxException;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code log.format=json}: the same quiet levels as {@code log4j2.properties}, written by Log4j's
 * JSON Template Layout in its ECS template, one object per line; the MDC of a line (the paper id,
 * the recipient's hash) becomes its labels.
 */
final class LogFormat {

    private LogFormat() {}

    static void json() {
        try {
            Configurator.reconfigure(
                    LogFormat.class.getResource("/log4j2-json.properties").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
