package io.testline.brokers;

import java.util.Map;

/**
 * A real, running Kafka broker reachable on {@link #bootstrapServers()}.
 *
 * <p>Contract: {@link #start()} and {@link #stop()} are idempotent; after {@code stop()} the broker keeps its data
 * directory and its port, so a later {@code start()} serves the same records on the same address (fault tests stop
 * the broker mid-stream and clients reconnect). {@link #close()} stops the broker for good, deletes data the broker
 * created itself (never a caller-supplied data directory) and is idempotent.
 */
public interface KafkaBroker extends AutoCloseable {

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:39092}; stable across restarts. */
    String bootstrapServers();

    /**
     * Creates a topic with replication factor 1 (on a {@link KafkaCluster}: min(3, nodes)) and returns once every
     * partition has a leader, so producers and
     * consumers can use it at once.
     *
     * @throws IllegalStateException if the topic exists already or the broker refuses it
     */
    void createTopic(String name, int partitions, Map<String, String> topicConfigs);

    /** Creates a topic named {@code prefix} plus a random suffix (see {@link #createTopic}) and returns its name. */
    default String newTopic(String prefix, int partitions) {
        String name = KafkaTopics.uniqueName(prefix);
        createTopic(name, partitions, Map.of());
        return name;
    }

    /** Stops the broker, keeping its data and port. No-op when stopped. */
    void stop();

    /** Starts the broker on its port with its data and returns when it accepts requests. No-op when running. */
    void start();

    boolean isRunning();

    /** Stops the broker and deletes temporary data. Idempotent; the broker cannot be started again. */
    @Override
    void close();
}
