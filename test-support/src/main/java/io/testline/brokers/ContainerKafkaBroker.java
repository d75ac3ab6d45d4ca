package io.testline.brokers;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka (apache/kafka image, KRaft) in a Docker container, used when a Docker engine is available.
 *
 * <p>The client port is bound to a fixed host port, so {@link #stop()}/{@link #start()} (docker stop/start of the
 * same container, data kept) leave {@link #bootstrapServers()} valid. Internal topics use replication factor 1.
 */
public final class ContainerKafkaBroker implements KafkaBroker {

    /** The image; 4.1 is the newest line published as apache/kafka when this was written. */
    public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.1.1");
    private static final Logger log = LoggerFactory.getLogger(ContainerKafkaBroker.class);
    private static final int KAFKA_PORT = 9092;

    private final KafkaContainer container;
    private final int hostPort;
    private boolean created;
    private boolean closed;

    public ContainerKafkaBroker() {
        this.hostPort = Ports.freePort();
        this.container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "5");
        ContainerSupport.bindFixedPort(container, KAFKA_PORT, hostPort);
    }

    @Override
    public String bootstrapServers() {
        return container.getHost() + ":" + hostPort;
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        KafkaTopics.create(bootstrapServers(), name, partitions, topicConfigs);
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("Kafka container is closed");
        }
        if (!created) {
            long started = System.nanoTime();
            container.start();
            created = true;
            log.info("Kafka container {} started on {} in {} ms", IMAGE, bootstrapServers(),
                    (System.nanoTime() - started) / 1_000_000);
        } else if (!isRunning()) {
            ContainerSupport.start(container, hostPort);
        }
    }

    @Override
    public synchronized void stop() {
        if (created && isRunning()) {
            ContainerSupport.stop(container);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return created && !closed && ContainerSupport.isRunning(container);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        container.stop();
    }
}
