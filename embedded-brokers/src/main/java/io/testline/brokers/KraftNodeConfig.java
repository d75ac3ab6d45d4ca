package io.testline.brokers;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker properties of one combined broker-and-controller KRaft node on loopback, small enough for tests: shared
 * by the in-JVM {@link EmbeddedKafkaBroker} (one node) and the {@link KafkaCluster}'s child processes.
 */
final class KraftNodeConfig {
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private KraftNodeConfig() {
    }

    /**
     * The properties of node {@code nodeId} of a cluster of {@code clusterSize} nodes whose controllers are
     * {@code quorumVoters}: internal topics with replication factor min(3, size) and min ISR min(2, size), so a single
     * node creates them at all.
     */
    static Map<String, String> of(int nodeId, String quorumVoters, int port, int controllerPort, Path dataDir,
            int clusterSize) {
        String replicas = String.valueOf(Math.min(3, clusterSize));
        String minIsr = String.valueOf(Math.min(2, clusterSize));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(nodeId));
        // Static voters rather than a dynamic (KIP-853) quorum: the voter's address then lives in the config, not in
        // the metadata log, so a caller-supplied data directory still works when the controller port changes.
        config.put("controller.quorum.voters", quorumVoters);
        config.put("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + Ports.LOOPBACK + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        config.put("metadata.log.dir", dataDir.toString());

        config.put("offsets.topic.replication.factor", replicas);
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", replicas);
        config.put("transaction.state.log.min.isr", minIsr);
        config.put("transaction.state.log.num.partitions", "5");
        config.put("share.coordinator.state.topic.replication.factor", replicas);
        config.put("share.coordinator.state.topic.min.isr", minIsr);
        config.put("share.coordinator.state.topic.num.partitions", "5");
        config.put("default.replication.factor", replicas);
        config.put("num.partitions", "1");
        // topics are created explicitly, as in production; a typo must fail rather than create a topic
        config.put("auto.create.topics.enable", "false");
        // tests start consumers one after the other; waiting 3 s for more group members only slows them
        config.put("group.initial.rebalance.delay.ms", "0");

        // small footprint: the default cleaner buffer alone takes 128 MiB of heap
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        config.put("log.cleaner.threads", "1");
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("background.threads", "2");
        config.put("num.recovery.threads.per.data.dir", "1");
        config.put("num.replica.fetchers", "1");
        return config;
    }
}
