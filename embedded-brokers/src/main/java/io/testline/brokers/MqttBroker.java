package io.testline.brokers;

/**
 * A real, running MQTT 5 broker listening on {@code 127.0.0.1}.
 *
 * <p>Contract: {@link #start()} and {@link #stop()} are idempotent; the port stays the same across restarts and
 * persistent sessions survive a {@code stop()}/{@code start()} (the broker saves its state on a clean stop).
 * {@link #close()} stops the broker for good, deletes its temporary files and is idempotent.
 */
public interface MqttBroker extends AutoCloseable {

    /** The client URI, {@code tcp://127.0.0.1:<port>}. */
    String serverUri();

    String host();

    int port();

    /** Which broker this is, for logs and test reports, e.g. {@code mosquitto 2.0.11 (pid 1234)}. */
    String description();

    /**
     * True when this is a real mosquitto. Some behaviour differs between brokers (HiveMQ CE stalls a shared
     * subscriber that leaves one message unacknowledged), so tests of shared subscriptions require mosquitto.
     */
    boolean isMosquitto();

    /** Stops the broker cleanly, keeping its port and persisted sessions. No-op when stopped. */
    void stop();

    /** Starts the broker and returns when its port accepts connections. No-op when running. */
    void start();

    boolean isRunning();

    /** Stops the broker and deletes its temporary files. Idempotent; the broker cannot be started again. */
    @Override
    void close();
}
