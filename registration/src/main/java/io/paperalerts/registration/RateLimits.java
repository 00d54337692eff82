package io.paperalerts.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The limits of registration, checked together: a request one limit refuses spends none of the
 * others, so a client past its own limit cannot use up the allowance of an address it targets.
 *
 * <ul>
 *   <li>registrations and manage-link requests: per client and per (address, client) an hour, per
 *       address from all clients an hour, and the emails of all of them per minute;</li>
 *   <li>every other state-changing request and every preview: per client, per minute.</li>
 * </ul>
 */
final class RateLimits {

    /** One limit and the key a request counts under. */
    record Check(RateLimiter limiter, String key, String refusal) {}

    private final RateLimiter perClient;
    private final RateLimiter perAddressAndClient;
    private final RateLimiter perAddress;
    private final RateLimiter emails;
    private final RateLimiter actions;

    RateLimits(RegistrationConfig config, Clock clock) {
        Duration hour = Duration.ofHours(1);
        this.perClient = new RateLimiter(config.getInt(RegistrationConfig.MAX_PER_CLIENT), hour, clock);
        this.perAddressAndClient = new RateLimiter(config.getInt(RegistrationConfig.MAX_PER_ADDRESS), hour, clock);
        this.perAddress = new RateLimiter(config.getInt(RegistrationConfig.MAX_PER_ADDRESS_ALL_CLIENTS), hour, clock);
        // Per minute: a crowd that fills it keeps everyone else waiting a minute, not an hour.
        this.emails =
                new RateLimiter(config.getInt(RegistrationConfig.MAX_EMAILS_PER_MINUTE), Duration.ofMinutes(1), clock);
        this.actions = new RateLimiter(
                config.getInt(RegistrationConfig.MAX_ACTIONS_PER_CLIENT_PER_MINUTE), Duration.ofMinutes(1), clock);
    }

    /** A request that emails {@code address} (a confirmation or a manage link). */
    void email(String address, String client) {
        acquire(List.of(
                new Check(perClient, client, "too many requests from this client"),
                new Check(perAddressAndClient, address + " " + client, "too many requests for " + address),
                new Check(perAddress, address, "too many requests for " + address),
                new Check(emails, "all", "too many registrations right now")));
    }

    /** Drops the counts kept under an address (the per-client ones say nothing of it). */
    void forget(String address) {
        perAddress.forget(address::equals);
        perAddressAndClient.forget(key -> key.startsWith(address + " "));
    }

    /** Any other state-changing request, or a preview. */
    void action(String client) {
        acquire(List.of(new Check(actions, client, "too many requests from this client")));
    }

    private synchronized void acquire(List<Check> checks) {
        for (Check check : checks) {
            long wait = check.limiter().waitSeconds(check.key());
            if (wait > 0) {
                throw ApiError.tooMany(check.refusal() + "; try again later", wait);
            }
        }
        checks.forEach(check -> check.limiter().spend(check.key()));
    }
}
