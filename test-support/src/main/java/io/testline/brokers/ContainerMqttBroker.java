package io.testline.brokers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * mosquitto 2 (eclipse-mosquitto image) in a Docker container with the same limits as {@link MosquittoBroker},
 * used when a Docker engine is available. The port is bound to a fixed host port so {@link #stop()}/{@link #start()}
 * keep {@link #serverUri()} valid; persistence lives in the container and survives the restart.
 */
public final class ContainerMqttBroker implements MqttBroker {

    public static final DockerImageName IMAGE = DockerImageName.parse("eclipse-mosquitto:2");
    private static final Logger log = LoggerFactory.getLogger(ContainerMqttBroker.class);
    private static final int MQTT_PORT = 1883;
    private static final String CONFIG = """
            allow_anonymous true
            persistence true
            persistence_location /mosquitto/data/
            autosave_interval 10
            log_dest stderr
            max_inflight_messages 1000
            max_queued_messages 1000000
            max_queued_bytes 0
            max_packet_size %d
            listener 1883
            """.formatted(MosquittoBroker.DEFAULT_MAX_PACKET_SIZE);

    private final GenericContainer<?> container;
    private final int hostPort;
    private boolean created;
    private boolean closed;

    public ContainerMqttBroker() {
        this.hostPort = Ports.freePort();
        this.container = new GenericContainer<>(IMAGE)
                .withCopyToContainer(Transferable.of(CONFIG), "/mosquitto/config/mosquitto.conf")
                .waitingFor(Wait.forListeningPort());
        ContainerSupport.bindFixedPort(container, MQTT_PORT, hostPort);
    }

    @Override
    public String serverUri() {
        return "tcp://" + host() + ":" + hostPort;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public String description() {
        return "mosquitto container " + IMAGE;
    }

    @Override
    public boolean isMosquitto() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("mosquitto container is closed");
        }
        if (!created) {
            long started = System.nanoTime();
            container.start();
            created = true;
            log.info("{} started on {} in {} ms", description(), serverUri(), (System.nanoTime() - started) / 1_000_000);
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
