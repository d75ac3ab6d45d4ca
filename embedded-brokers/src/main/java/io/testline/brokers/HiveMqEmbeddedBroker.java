package io.testline.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.hivemq.embedded.EmbeddedHiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ Community Edition running in this JVM: the MQTT broker used where no mosquitto binary is installed.
 *
 * <p>It listens on {@code 127.0.0.1} at a port fixed when it is built and keeps its data folder (persistent
 * sessions, queued messages) across {@link #stop()}/{@link #start()}. Queue and in-flight limits are raised as for
 * {@link MosquittoBroker}.
 *
 * <p>Known difference from mosquitto: HiveMQ CE stalls a shared-subscription subscriber that leaves one message
 * unacknowledged, so tests of shared subscriptions require mosquitto.
 */
public final class HiveMqEmbeddedBroker implements MqttBroker {

    private static final Logger log = LoggerFactory.getLogger(HiveMqEmbeddedBroker.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String VERSION = "2025.5";

    private final Path workDir;
    private final boolean ownsWorkDir;
    private final int port;

    private EmbeddedHiveMQ hivemq;
    private boolean closed;

    /** A broker on a free port in a temporary directory deleted by {@link #close()}. */
    public HiveMqEmbeddedBroker() {
        this(0);
    }

    /** A broker on {@code port} (0 = a free port) in a temporary directory deleted by {@link #close()}. */
    public HiveMqEmbeddedBroker(int port) {
        this(port, null);
    }

    /**
     * A broker on {@code port} (0 = a free port) keeping its configuration and data (persistent sessions, queued
     * messages) in {@code workDir}, which survives {@link #close()}; {@code null} means a temporary directory.
     */
    public HiveMqEmbeddedBroker(int port, Path workDir) {
        this.port = Ports.checkPort(port, "port") == 0 ? Ports.freePort() : port;
        this.ownsWorkDir = workDir == null;
        this.workDir = ownsWorkDir ? TempDirs.create("testline-hivemq-")
                : TempDirs.createDirectories(workDir.toAbsolutePath());
        TempDirs.createDirectories(this.workDir.resolve("conf"));
        TempDirs.createDirectories(this.workDir.resolve("data"));
        TempDirs.createDirectories(this.workDir.resolve("extensions"));
        writeConfig();
    }

    @Override
    public String serverUri() {
        return "tcp://" + host() + ":" + port;
    }

    @Override
    public String host() {
        return Ports.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String description() {
        return "HiveMQ CE " + VERSION + " (embedded)";
    }

    @Override
    public boolean isMosquitto() {
        return false;
    }

    /**
     * Checks that nothing listens on the port. {@link #start()} does this itself; a caller starting several servers
     * calls it first to refuse early.
     *
     * @throws ServerUnavailableException if another process listens on the port
     */
    public synchronized void checkStartable() {
        if (hivemq == null) {
            PortGuard.requireFree(port, "MQTT broker (HiveMQ CE)");
        }
    }

    /**
     * Starts HiveMQ; afterwards its listener belongs to this JVM (HiveMQ itself only logs a listener it could not
     * bind and runs on).
     *
     * @throws ServerUnavailableException if another process listens on the port, before the start or instead of ours
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("HiveMQ on port " + port + " is closed");
        }
        if (hivemq != null) {
            return;
        }
        checkStartable();
        long started = System.nanoTime();
        // a fresh instance per start: an EmbeddedHiveMQ is not meant to be started again once stopped
        EmbeddedHiveMQ instance = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(workDir.resolve("conf"))
                .withDataFolder(workDir.resolve("data"))
                .withExtensionsFolder(workDir.resolve("extensions"))
                // keep the application's logging configuration; HiveMQ's own would replace it
                .withoutLoggingBootstrap()
                .build();
        try {
            instance.start().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(instance);
            throw new IllegalStateException("HiveMQ did not start on port " + port, e);
        } catch (InterruptedException e) {
            closeQuietly(instance);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting HiveMQ", e);
        }
        hivemq = instance;
        try {
            PortGuard.requireOwnedHere(port, "MQTT broker (HiveMQ CE)");
        } catch (ServerUnavailableException e) {
            stop();
            throw e;
        }
        log.info("{} started on {} in {} ms", description(), serverUri(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public synchronized void stop() {
        if (hivemq == null) {
            return;
        }
        EmbeddedHiveMQ instance = hivemq;
        hivemq = null;
        closeQuietly(instance);
        log.info("HiveMQ on port {} stopped", port);
    }

    @Override
    public synchronized boolean isRunning() {
        return hivemq != null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (ownsWorkDir) {
            TempDirs.deleteQuietly(workDir);
        }
    }

    @Override
    public String toString() {
        return "HiveMqEmbeddedBroker[" + serverUri() + ", " + workDir + "]";
    }

    private void writeConfig() {
        String xml = """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                    </tcp-listener>
                  </listeners>
                  <mqtt>
                    <queued-messages>
                      <max-queue-size>1000000</max-queue-size>
                    </queued-messages>
                    <packets>
                      <max-packet-size>%d</max-packet-size>
                    </packets>
                    <receive-maximum>
                      <server-receive-maximum>1000</server-receive-maximum>
                    </receive-maximum>
                  </mqtt>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, Ports.LOOPBACK, MosquittoBroker.DEFAULT_MAX_PACKET_SIZE);
        Path config = workDir.resolve("conf").resolve("config.xml");
        try {
            Files.writeString(config, xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ instance) {
        try {
            instance.close();
        } catch (ExecutionException e) {
            log.warn("HiveMQ did not stop cleanly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
