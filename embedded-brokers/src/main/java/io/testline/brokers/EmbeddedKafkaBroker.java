package io.testline.brokers;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, combined broker and controller) running in this JVM.
 *
 * <p>The broker listens on {@code 127.0.0.1} only: PLAINTEXT on {@link #port()} for clients, a CONTROLLER listener
 * on another port for its own quorum. Both ports are chosen once, when the broker is built, and kept across
 * {@link #stop()}/{@link #start()}. The data directory is formatted on the first start only, so a caller-supplied
 * directory keeps its topics and records across restarts of the broker and of the process.
 *
 * <p>The defaults suit one node on a small machine (replication factor 1 for internal topics, few partitions and
 * threads, a 4 MiB cleaner buffer instead of 128 MiB, no automatic topic creation); {@link Builder#brokerConfig}
 * overrides any of them.
 *
 * <p>This is the only class of the module that uses Kafka's internal server APIs.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = KraftNodeConfig.CONTROLLER_LISTENER;

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> brokerConfig;

    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.ownsDataDir = builder.dataDir == null;
        this.dataDir = ownsDataDir ? TempDirs.create("testline-kafka-") : builder.dataDir.toAbsolutePath();
        this.port = builder.port == 0 ? Ports.freePort() : builder.port;
        this.controllerPort = Ports.freePort();
        this.brokerConfig = defaults(dataDir, port, controllerPort);
        if (builder.saslUsers != null) {
            saslPlain(brokerConfig, port, controllerPort, builder.saslUsers);
        }
        this.brokerConfig.putAll(builder.brokerConfig);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port of the PLAINTEXT listener, fixed for the life of this object. */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /**
     * Checks that nothing listens on the client and controller ports. {@link #start()} does this itself; a caller
     * starting several servers calls it first to refuse early.
     *
     * @throws ServerUnavailableException if another process listens on one of them
     */
    public synchronized void checkStartable() {
        if (server != null) {
            return;
        }
        PortGuard.requireFree(port, "Kafka");
        PortGuard.requireFree(controllerPort, "Kafka controller");
    }

    /**
     * Starts the broker; afterwards both its listeners belong to this JVM.
     *
     * @throws ServerUnavailableException if another process listens on one of its ports
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " is closed");
        }
        if (server != null) {
            return;
        }
        checkStartable();
        long started = System.nanoTime();
        Properties props = new Properties();
        props.putAll(brokerConfig);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatIfNew(config);
        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            raftServer.startup();
        } catch (RuntimeException e) {
            shutdown(raftServer);
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not start", e);
        }
        server = raftServer;
        try {
            PortGuard.requireOwnedHere(port, "Kafka");
            PortGuard.requireOwnedHere(controllerPort, "Kafka controller");
        } catch (ServerUnavailableException e) {
            stop();
            throw e;
        }
        log.info("Kafka broker started on {} (data {}) in {} ms", bootstrapServers(), dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        shutdown(server);
        server = null;
        log.info("Kafka broker on {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (ownsDataDir) {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        if (!isRunning()) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " is not running");
        }
        KafkaTopics.create(bootstrapServers(), name, partitions, topicConfigs);
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", data " + dataDir + "]";
    }

    private static Map<String, String> defaults(Path dataDir, int port, int controllerPort) {
        Map<String, String> config = KraftNodeConfig.of(NODE_ID, NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort,
                port, controllerPort, dataDir, 1);
        config.put("min.insync.replicas", "1");
        return config;
    }

    /**
     * The client listener as SASL_PLAINTEXT with the PLAIN mechanism and these users; the controller listener stays
     * PLAINTEXT on loopback. The broker itself logs in as an extra user with a random password.
     */
    private static void saslPlain(Map<String, String> config, int port, int controllerPort,
            Map<String, String> users) {
        String brokerPassword = UUID.randomUUID().toString();
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"broker\" password=\"").append(brokerPassword).append('"')
                .append(" user_broker=\"").append(brokerPassword).append('"');
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        jaas.append(';');
        config.put("listeners", "SASL_PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + Ports.LOOPBACK + ":" + controllerPort);
        config.put("advertised.listeners", "SASL_PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
        config.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        config.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT," + CONTROLLER_LISTENER
                + ":PLAINTEXT");
        config.put("sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.toString());
    }

    /** The Kafka client settings a user of a {@link Builder#saslPlain SASL/PLAIN} broker logs in with. */
    public static Map<String, String> saslClientSettings(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    private void formatIfNew(KafkaConfig config) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        TempDirs.createDirectories(dataDir);
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setHasDynamicQuorum(false)
                .setDirectories(List.of(dataDir.toString()));
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka data directory " + dataDir, e);
        }
        log.info("formatted Kafka data directory {} (cluster {})", dataDir, formatter.clusterId());
    }

    private static void shutdown(KafkaRaftServer raftServer) {
        raftServer.shutdown();
        raftServer.awaitShutdown();
    }
    /** Builds an {@link EmbeddedKafkaBroker}; the broker is not started until {@link #start()}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private Map<String, String> saslUsers;

        private Builder() {
        }

        /**
         * Where the broker keeps its log and metadata; {@code null} (the default) means a temporary directory that
         * {@link #close()} deletes. A supplied directory is formatted if empty and never deleted.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The client port; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            this.port = Ports.checkPort(port, "port");
            return this;
        }

        /** Sets or overrides one broker property, e.g. {@code log.retention.ms}. */
        public Builder brokerConfig(String key, String value) {
            brokerConfig.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Clients must log in with SASL/PLAIN as one of these users (name to password); see
         * {@link #saslClientSettings}. {@link #createTopic} is then unavailable: use an admin client with the
         * settings.
         */
        public Builder saslPlain(Map<String, String> users) {
            this.saslUsers = Map.copyOf(users);
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
