package io.paperalerts.operations;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What a service says of itself: live (the process works; a supervisor restarts it when not) and
 * ready (it can do its job now; a load balancer or a deploy waits for it). Each answer carries the
 * reason when it is no.
 */
public interface Health {

    Status live();

    Status ready();

    /** A health from its two answers; {@code ready} is asked only when live. */
    static Health of(Supplier<Status> live, Supplier<Status> ready) {
        return new Health() {
            @Override
            public Status live() {
                return live.get();
            }

            @Override
            public Status ready() {
                return live().and(ready);
            }
        };
    }

    /** Live and ready when each part is: the first part that is not says why. */
    static Health all(Health... parts) {
        return of(
                () -> Arrays.stream(parts)
                        .map(Health::live)
                        .filter(s -> !s.ok())
                        .findFirst()
                        .orElse(Status.up()),
                () -> Arrays.stream(parts)
                        .map(Health::ready)
                        .filter(s -> !s.ok())
                        .findFirst()
                        .orElse(Status.up()));
    }

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
