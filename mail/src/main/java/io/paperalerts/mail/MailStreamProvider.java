package io.paperalerts.mail;

import jakarta.mail.util.StreamProvider;

/**
 * Names Jakarta Mail's stream provider once for the JVM. Without the system property, Jakarta
 * Mail 2.1 finds it with a {@link java.util.ServiceLoader} scan of every jar on the class path
 * each time it encodes or decodes a part, several times per message: the pipeline benchmark's
 * profile showed that scan as most of the notifier's time. Angus's provider is the one the scan
 * finds; an operator's own choice (the property set already) is kept.
 */
final class MailStreamProvider {

    static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

    private MailStreamProvider() {}

    static void nameOnce() {
        if (System.getProperty(StreamProvider.class.getName()) == null) {
            System.setProperty(StreamProvider.class.getName(), ANGUS);
        }
    }
}
