package io.signalstream.api.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps webhooks off the network the API runs in (server-side request forgery): a webhook's host
 * must resolve to public addresses only, unless configuration allows a kind of address ({@code
 * SIGNALSTREAM_WEBHOOK_ALLOW}: {@code loopback}, {@code private}, {@code link-local}). Checked when
 * a webhook is written and again before every delivery (a name may resolve elsewhere later).
 */
public final class AddressGuard {

    /** The kinds of non-public address configuration may allow. */
    public static final Set<String> KINDS = Set.of("loopback", "private", "link-local");

    private final Set<String> allowed;

    public AddressGuard(Set<String> allowed) {
        for (String kind : allowed) {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException(
                        "SIGNALSTREAM_WEBHOOK_ALLOW takes " + KINDS + ", not '" + kind + "'");
            }
        }
        this.allowed = Set.copyOf(allowed);
    }

    public Set<String> allowed() {
        return allowed;
    }

    /** Why {@code url} may not be called, or empty when it may. */
    public Optional<String> refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("the url must be http or https");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            return Optional.of("the url has no host");
        }
        if (url.getUserInfo() != null) {
            return Optional.of("the url may not carry credentials; use the secret");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("the host '" + url.getHost() + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            String kind = kind(address);
            if (kind != null && !allowed.contains(kind)) {
                return Optional.of(
                        "the host resolves to a "
                                + kind
                                + " address ("
                                + address.getHostAddress()
                                + "), which webhooks may not call here");
            }
        }
        return Optional.empty();
    }

    /** The kind of a non-public address, or null for a public one. */
    static String kind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return "reserved";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (a.isSiteLocalAddress() || (first == 100 && second >= 64 && second < 128)) {
                return "private"; // 10/8, 172.16/12, 192.168/16, and carrier-grade NAT 100.64/10
            }
            if (first == 0 || first >= 240 || (first == 169 && second == 254)) {
                return "reserved";
            }
        } else if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "private"; // unique local fc00::/7
            }
            if (a.isSiteLocalAddress()) {
                return "private";
            }
        }
        return null;
    }
}
