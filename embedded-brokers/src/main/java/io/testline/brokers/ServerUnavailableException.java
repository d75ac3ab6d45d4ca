package io.testline.brokers;

import java.util.OptionalInt;

/**
 * A server could not be started as ours: its port is held by another process (before the start, or instead of the
 * server just started), or its data folder is in use by another running process. The message names the port or
 * folder and, where it can be read, who holds it. Nothing is reported running over a server we did not start.
 */
public final class ServerUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int port;

    ServerUnavailableException(int port, String message) {
        super(message);
        this.port = port;
    }

    ServerUnavailableException(String message) {
        this(0, message);
    }

    /** The port that is taken, if a port is the cause. */
    public OptionalInt port() {
        return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }
}
