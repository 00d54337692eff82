package io.paperalerts.registration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * Who a request comes from, for rate limits: the peer's address, or, when the peer is a trusted
 * reverse proxy, the nearest address in {@code X-Forwarded-For} that is not one of ours (entries
 * further left are the client's word and can be forged). IPv6 clients are keyed by their /64, the
 * block one subscriber usually holds.
 */
final class ClientAddress {

    private final Set<String> trustedProxies;

    ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(
                trustedProxies.stream().map(ClientAddress::normalised).toList());
    }

    String of(String peer, String forwardedFor) {
        String client = normalised(peer);
        if (trustedProxies.contains(client) && forwardedFor != null && !forwardedFor.isBlank()) {
            String[] hops = forwardedFor.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = normalised(hops[i].strip());
                client = hop;
                if (!trustedProxies.contains(hop)) {
                    break;
                }
            }
        }
        return key(client);
    }

    private static String key(String address) {
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length == 16) {
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    prefix.append(String.format("%x:", ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
                }
                return prefix + ":/64";
            }
            return address;
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** An address as the same text however it was written (literal addresses only: no lookups). */
    private static String normalised(String address) {
        String bare = address.strip();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (!bare.matches("[0-9a-fA-F:.]+")) {
            return bare; // not a literal address (a name, "unknown"): keyed as it is
        }
        try {
            return InetAddress.getByName(bare).getHostAddress();
        } catch (UnknownHostException e) {
            return bare;
        }
    }
}
