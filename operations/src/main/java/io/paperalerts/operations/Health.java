package io.paperalerts.operations;

import java.util.function.Supplier;

/**
 * What a service says of itself: live (the process works; a supervisor restarts it when not) and
 * ready (it can do its job now; a load balancer or a deploy waits for it). Each answer carries the
 * reason when it is no.
 */
public interface Health {

    Status live();

    Status ready();

    record Status(boolean ok, String reason) {

        public static Status up() {
            return new Status(true, "");
        }

        public static Status down(String reason) {
            return new Status(false, reason);
        }

        /** This, unless it is fine, then the other. */
        public Status and(Supplier<Status> next) {
            return ok ? next.get() : this;
        }
    }
}
