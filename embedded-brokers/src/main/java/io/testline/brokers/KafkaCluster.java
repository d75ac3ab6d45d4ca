package io.testline.brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-node Kafka cluster (KRaft): N nodes (3 by default), each a separate JVM with combined broker and
 * controller roles, its own data folder and ports on {@code 127.0.0.1}, and one static controller quorum of all
 * nodes. Separate processes so that a fault test can {@link #kill9 kill one with SIGKILL} and {@link #restart} it.
 *
 * <p>Ports and folders are chosen when the cluster is built and kept across restarts. Internal topics get
 * replication factor min(3, N) and min ISR min(2, N). A node whose JVM outlives this one (kill -9 of the JVM) is
 * killed by a watcher process, and failing that by the next start on the same folder. {@link #close()} kills every
 * node of a temporary cluster at once (its data is deleted anyway) and stops a cluster on a caller's folder with a
 * controlled shutdown.
 */
public final class KafkaCluster implements KafkaBroker {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final boolean ownsDir;
    private final Map<Integer, KafkaNode> nodes = new LinkedHashMap<>();
    private final Map<String, String> brokerConfig;
    private final List<String> jvmOptions;
    private boolean closed;

    private KafkaCluster(Builder builder) {
        this.ownsDir = builder.dataDir == null;
        this.dir = ownsDir ? TempDirs.create("testline-kafka-cluster-") : builder.dataDir.toAbsolutePath();
        String clusterId = Uuid.randomUuid().toString();
        for (int id = 1; id <= builder.nodes; id++) {
            int port = id == 1 && builder.port != 0 ? builder.port : Ports.freePort();
            nodes.put(id, new KafkaNode(id, dir.resolve("node-" + id), port, Ports.freePort(), clusterId));
        }
        this.brokerConfig = Map.copyOf(builder.brokerConfig);
        this.jvmOptions = List.copyOf(builder.jvmOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Node ids, 1 to N. */
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public String bootstrapServers() {
        return nodes.values().stream().map(n -> Ports.LOOPBACK + ":" + n.port()).collect(Collectors.joining(","));
    }

    /**
     * Stops nodes an earlier process left running on this cluster's folders, then checks that every port is free.
     * {@link #start()} does this itself; a caller starting several servers calls it first to refuse early.
     *
     * @throws ServerUnavailableException if another process listens on one of the ports
     */
    public synchronized void checkStartable() {
        nodes.values().forEach(KafkaNode::checkStartable);
    }

    /** Launches every node at once (the quorum needs a majority) and returns when all N serve as brokers. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("Kafka cluster " + bootstrapServers() + " is closed");
        }
        long started = System.nanoTime();
        ShutdownHooks.register(this);
        nodes.values().forEach(n -> n.launch(config(n), jvmOptions));
        nodes.values().forEach(n -> n.awaitListening(START_TIMEOUT));
        awaitBrokers(nodes.size());
        log.info("Kafka cluster of {} nodes started on {} in {} ms", nodes.size(), bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Kills node {@code nodeId} with SIGKILL, as a crash, and returns once its process is gone. */
    public void kill9(int nodeId) {
        node(nodeId).kill9();
        log.info("Kafka node {} killed (SIGKILL)", nodeId);
    }

    /**
     * Stops node {@code nodeId} with a controlled shutdown (SIGTERM: it hands its partition leaderships over first),
     * keeping its data and ports, and returns once its process is gone; {@link #restart} starts it again.
     */
    public void stop(int nodeId) {
        KafkaNode node = node(nodeId);
        node.terminate();
        node.awaitStopped();
        log.info("Kafka node {} stopped", nodeId);
    }

    /** Starts node {@code nodeId} again on its data and ports and returns once the cluster counts it again. */
    public void restart(int nodeId) {
        KafkaNode node = node(nodeId);
        node.launch(config(node), jvmOptions);
        node.awaitListening(START_TIMEOUT);
        awaitBrokers(runningNodes());
        log.info("Kafka node {} restarted", nodeId);
    }

    /** The pid of node {@code nodeId}'s JVM. */
    public long pid(int nodeId) {
        return node(nodeId).pid();
    }

    /** The node leading {@code topic}'s {@code partition}, as the cluster's metadata says; empty when none leads. */
    public Optional<Integer> leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicPartitionInfo info = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic).partitions().get(partition);
            Node leader = info.leader();
            return leader == null || leader.isEmpty() ? Optional.empty() : Optional.of(leader.id());
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not describe topic " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /** Creates a topic with replication factor min(3, N); see {@link KafkaBroker#createTopic}. */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        KafkaTopics.create(bootstrapServers(), name, partitions, (short) Math.min(3, nodes.size()), topicConfigs);
    }

    /** Stops every node with a controlled shutdown (SIGTERM to all at once), keeping data and ports. */
    @Override
    public synchronized void stop() {
        nodes.values().forEach(KafkaNode::terminate);
        nodes.values().forEach(KafkaNode::awaitStopped);
    }

    /** True while at least one node runs. */
    @Override
    public synchronized boolean isRunning() {
        return runningNodes() > 0;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsDir) {
            nodes.values().forEach(KafkaNode::kill9);
            TempDirs.deleteQuietly(dir);
        } else {
            stop();
        }
        ShutdownHooks.unregister(this);
        log.info("Kafka cluster on {} closed", bootstrapServers());
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + bootstrapServers() + ", " + dir + "]";
    }

    private KafkaNode node(int nodeId) {
        KafkaNode node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("nodeId: " + nodeId + " is not one of " + nodes.keySet());
        }
        return node;
    }

    private int runningNodes() {
        return (int) nodes.values().stream().filter(KafkaNode::isRunning).count();
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "testline-cluster-admin"));
    }

    /** Polls until the cluster's metadata lists {@code count} brokers. */
    private void awaitBrokers(int count) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    log.debug("Kafka cluster not ready yet: {}", e.toString());
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new ServerUnavailableException(nodes.values().iterator().next().port(), "Kafka cluster "
                + bootstrapServers() + " did not list " + count + " brokers within " + START_TIMEOUT);
    }

    private Map<String, String> config(KafkaNode node) {
        Map<String, String> config = KraftNodeConfig.of(node.nodeId(), nodes.values().stream()
                .map(v -> v.nodeId() + "@" + Ports.LOOPBACK + ":" + v.controllerPort())
                .collect(Collectors.joining(",")), node.port(), node.controllerPort(), node.dataDir(), nodes.size());
        config.putAll(brokerConfig);
        return config;
    }

    /** Builds a {@link KafkaCluster}; nothing runs until {@link #start()}. */
    public static final class Builder {
        private int nodes = 3;
        private int port;
        private Path dataDir;
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private final List<String> jvmOptions = new java.util.ArrayList<>(List.of("-Xms64m", "-Xmx384m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"));

        private Builder() {
        }

        /** How many nodes, 1 to 9; 3 by default. */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 9) {
                throw new IllegalArgumentException("nodes: " + nodes + " is not between 1 and 9");
            }
            this.nodes = nodes;
            return this;
        }

        /** The client port of node 1 (the first of the bootstrap list); 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = Ports.checkPort(port, "port");
            return this;
        }

        /**
         * The folder holding one sub-folder per node; {@code null} (the default) means a temporary folder that
         * {@link #close()} deletes. A supplied folder is kept.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Sets or overrides one property of every node, e.g. {@code broker.session.timeout.ms}. */
        public Builder brokerConfig(String key, String value) {
            brokerConfig.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds a JVM option of every node, e.g. {@code -Xmx1g} (a later heap option wins). */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public KafkaCluster build() {
            return new KafkaCluster(this);
        }
    }
}
