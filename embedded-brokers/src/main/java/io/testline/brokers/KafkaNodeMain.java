package io.testline.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * The main class of one node of a {@link KafkaCluster}, run as its own JVM: {@code java -cp <class path>
 * io.testline.brokers.KafkaNodeMain <server.properties> <cluster id>}. Formats the node's data directory on its first
 * start (static voters from {@code controller.quorum.voters}), runs Kafka's KRaft server until SIGTERM (a controlled
 * shutdown) or SIGKILL (a crash, for fault tests), and exits with 1 if the server does not start.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: KafkaNodeMain <server.properties> <cluster id>");
            System.exit(64);
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatIfNew(config, props.getProperty("controller.listener.names").split(",")[0], args[1]);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-node-shutdown"));
        try {
            server.startup();
        } catch (RuntimeException e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        server.awaitShutdown();
    }

    private static void formatIfNew(KafkaConfig config, String controllerListener, String clusterId) {
        String dir = config.metadataLogDir();
        if (Files.exists(Path.of(dir, "meta.properties"))) {
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(clusterId)
                .setControllerListenerName(controllerListener)
                .setMetadataLogDirectory(dir)
                .setHasDynamicQuorum(false)
                .setDirectories(List.of(dir));
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka data directory " + dir, e);
        }
    }
}
