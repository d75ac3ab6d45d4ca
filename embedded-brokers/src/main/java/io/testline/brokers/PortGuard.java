package io.testline.brokers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * "Servers we start are ours or nothing": a port is checked free before a server starts on it, and after the start
 * its listener must belong to the process we started. Either check fails with a
 * {@link ServerUnavailableException} naming the port and, where {@code /proc} tells it, the process or user holding
 * it.
 *
 * <p>On a system without {@code /proc} only the first check (binding the port) can be made.
 */
public final class PortGuard {

    private PortGuard() {
    }

    /**
     * Fails unless {@code port} is free on the loopback interface: it can be bound on {@code 127.0.0.1} and no
     * socket listens on it at a loopback or wildcard address (IPv4 or IPv6).
     *
     * @param what the server meant to listen there, for the message, e.g. {@code "MQTT broker"}
     */
    public static void requireFree(int port, String what) {
        List<Listeners.Socket> listening = Listeners.on(port);
        if (!listening.isEmpty() || !canBind(port)) {
            throw new ServerUnavailableException(port, what + ": port " + port + " on " + Ports.LOOPBACK
                    + " is taken by " + holderOf(listening) + "; stop it or choose another port");
        }
    }

    /**
     * Fails unless the listener on {@code port} belongs to process {@code pid}: the server we started, not another
     * one that held the port while ours failed to bind. Without {@code /proc} nothing is checked.
     */
    public static void requireOwner(int port, long pid, String what) {
        if (Listeners.supported() && !Listeners.owns(pid, port)) {
            throw notOurs(port, pid, what);
        }
    }

    /** {@link #requireOwner} for a server running inside this JVM. */
    public static void requireOwnedHere(int port, String what) {
        requireOwner(port, ProcessHandle.current().pid(), what);
    }

    /**
     * Polls until process {@code pid} listens on {@code port}.
     *
     * @param alive false once that process has died, to fail at once instead of at the timeout
     * @return true when it listens, false when it died or the timeout passed
     */
    static boolean awaitOwner(int port, long pid, Duration timeout, BooleanSupplier alive) {
        if (!Listeners.supported()) {
            return Ports.awaitAccepting(Ports.LOOPBACK, port, timeout, alive);
        }
        return Ports.awaitUntil(() -> Listeners.owns(pid, port), timeout, alive);
    }

    static ServerUnavailableException notOurs(int port, long pid, String what) {
        List<Listeners.Socket> listening = Listeners.on(port);
        String holder = listening.isEmpty() ? "nobody listens there" : "it is held by " + holderOf(listening);
        return new ServerUnavailableException(port, what + ": the process we started (pid " + pid
                + ") does not listen on port " + port + "; " + holder);
    }

    /** Who holds one of {@code listening}, as precisely as this process may see. */
    static String holderOf(List<Listeners.Socket> listening) {
        if (listening.isEmpty()) {
            return "another process (not visible here)";
        }
        return Listeners.holder(listening)
                .map(pid -> "pid " + pid + describe(pid))
                .orElseGet(() -> "a process of user " + Listeners.userName(listening.get(0).uid())
                        + " (its pid is not visible to this user)");
    }

    private static String describe(long pid) {
        String command = Listeners.commandLine(pid);
        if (command.length() > 200) {
            command = command.substring(0, 200) + "...";
        }
        return command.isEmpty() ? "" : " (" + command + ")";
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
