package io.testline.brokers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a {@link KafkaCluster}: a child JVM running {@link KafkaNodeMain} on its own folder (config
 * {@code server.properties}, data {@code data/}, output {@code kafka.out}, pid file {@code kafka.pid}). A watcher
 * kills it if this JVM dies without stopping it; a node an earlier JVM left running on the folder is stopped at the
 * next start (see {@link Orphans}).
 */
final class KafkaNode {

    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private final int nodeId;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private Process process;
    private ParentDeathWatch watch = ParentDeathWatch.none();

    KafkaNode(int nodeId, Path dir, int port, int controllerPort, String clusterId) {
        this.nodeId = nodeId;
        this.dir = TempDirs.createDirectories(dir);
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
    }

    int nodeId() {
        return nodeId;
    }

    int port() {
        return port;
    }

    int controllerPort() {
        return controllerPort;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    private Path configFile() {
        return dir.resolve("server.properties");
    }

    private Path pidFile() {
        return dir.resolve("kafka.pid");
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("Kafka node " + nodeId + " is not running");
        }
        return process.pid();
    }

    /** Writes the config and launches the JVM; does not wait for it to serve (see {@link #awaitListening}). */
    synchronized void launch(Map<String, String> config, List<String> jvmOptions) {
        if (isRunning()) {
            return;
        }
        checkStartable();
        writeConfig(config);
        List<String> command = new ArrayList<>(ParentDeathWatch.newSession());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KafkaNodeMain.class.getName(),
                configFile().toString(), clusterId));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka node " + nodeId, e);
        }
        Orphans.writePid(pidFile(), process.pid());
        watch = ParentDeathWatch.start(process.pid(), configFile().toString(), "KILL");
    }

    /**
     * Kills a node an earlier JVM left running on this folder (its pid file names a live KafkaNodeMain on this
     * config), then fails unless both ports are free.
     */
    synchronized void checkStartable() {
        if (isRunning()) {
            return;
        }
        if (Orphans.stopOrphan(pidFile(), "Kafka node " + nodeId,
                List.of(KafkaNodeMain.class.getName(), configFile().toString()), "KILL", STOP_TIMEOUT)) {
            Orphans.deletePid(pidFile());
        }
        PortGuard.requireFree(port, "Kafka node " + nodeId);
        PortGuard.requireFree(controllerPort, "Kafka node " + nodeId + " controller");
    }

    /** Waits until the node's JVM listens on its client port. */
    void awaitListening(Duration timeout) {
        Process child;
        synchronized (this) {
            child = process;
        }
        if (child == null || !PortGuard.awaitOwner(port, child.pid(), timeout, child::isAlive)) {
            throw new ServerUnavailableException(port, "Kafka node " + nodeId + " did not listen on port " + port
                    + " within " + timeout + (child != null && !child.isAlive() ? " (it exited with "
                    + child.exitValue() + ")" : "") + "; see " + dir.resolve("kafka.out"));
        }
    }

    /** SIGKILL, as a crash: no controlled shutdown, no flush. */
    synchronized void kill9() {
        if (process == null) {
            return;
        }
        watch.close();
        process.destroyForcibly();
        await(process);
        process = null;
        Orphans.deletePid(pidFile());
    }

    /** Sends SIGTERM (a controlled shutdown) without waiting; {@link #awaitStopped} waits. */
    synchronized void terminate() {
        if (process != null) {
            watch.close();
            process.destroy();
        }
    }

    /** Waits for the node to exit after {@link #terminate}, killing it after the stop timeout. */
    synchronized void awaitStopped() {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Kafka node {} (pid {}) did not stop within {} of SIGTERM, killing it", nodeId,
                        process.pid(), STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill9();
    }

    private static void await(Process child) {
        try {
            child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeConfig(Map<String, String> config) {
        Properties props = new Properties();
        props.putAll(config);
        try (OutputStream out = Files.newOutputStream(configFile())) {
            props.store(out, "Kafka node " + nodeId + " of a testline KafkaCluster; rewritten at each start");
            Files.writeString(dir.resolve("logback.xml"), LOGBACK, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + configFile(), e);
        }
    }
}
