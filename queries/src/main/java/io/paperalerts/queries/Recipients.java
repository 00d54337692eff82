package io.paperalerts.queries;

import java.util.Locale;

/**
 * Who an address is: the one form by which alerts, archives, opinions and shards hold a reader, so
 * that registration asks the streams service by the key its stores use.
 */
public final class Recipients {

    private Recipients() {}

    /** Addresses differ in case and spacing between subscriptions of one person; alerts go to one form. */
    public static String of(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** Whether two addresses are the same recipient. */
    public static boolean same(String email, String other) {
        return of(email).equals(of(other));
    }
}
