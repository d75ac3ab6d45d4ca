package io.testline.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Port helpers shared by the servers in this package. */
final class Ports {

    static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * A port that was free a moment ago. Servers bind it themselves later and keep it across restarts, which an
     * ephemeral port chosen by the server on each start could not give.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + LOOPBACK, e);
        }
    }

    static int checkPort(int port, String parameter) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(parameter + ": " + port + " is not a TCP port (0 = any free port)");
        }
        return port;
    }

    static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Polls until {@code host:port} accepts a TCP connection.
     *
     * @param alive false once the server process has died, to fail at once instead of at the timeout
     * @return true when the port accepted, false when {@code alive} turned false or the timeout passed
     */
    static boolean awaitAccepting(String host, int port, Duration timeout, BooleanSupplier alive) {
        return awaitUntil(() -> accepts(host, port), timeout, alive);
    }

    /**
     * Polls {@code condition} every 5 ms until it holds (true), {@code alive} turns false or the timeout passes
     * (false).
     */
    static boolean awaitUntil(BooleanSupplier condition, Duration timeout, BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!alive.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
