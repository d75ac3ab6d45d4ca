package io.testline.brokers.junit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/**
 * An address of this machine other than loopback, for tests of what a listener does when it is reachable from the
 * network (the closed-by-default rule, logins over the wire).
 */
public final class NetworkAddresses {
    private NetworkAddresses() {}

    /** An IPv4 address of an interface that is up and not loopback, if there is one. */
    public static Optional<String> nonLoopback() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** {@link #nonLoopback()}, or skips the test saying why (a machine with only loopback cannot show it). */
    public static String nonLoopbackOrSkip() {
        return nonLoopback().orElseThrow(() -> new TestAbortedException(
            "this machine has no network interface besides loopback, so a non-loopback listener cannot be tested"));
    }
}
