package io.testline.cli.standalone;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code testline standalone} is told: where it keeps its data and the ports it listens on (0 = a free port).
 * Every server listens on the loopback interface only.
 *
 * @param dataDir Kafka's log, PostgreSQL's cluster and the MQTT broker's persistence live under it, kept across
 *     restarts
 * @param mqttPort the port the stations connect to
 * @param kafkaPort the Kafka client port
 * @param postgresPort the PostgreSQL port
 * @param apiPort the result-consumer's query API
 * @param simulatorPort the shopfloor simulator's HTTP port
 * @param partitions partitions of each Kafka topic created at the first start
 * @param mqttBroker which MQTT broker to run
 * @param kafkaNodes 1: one Kafka broker in this JVM; more: a KRaft cluster of that many nodes, each its own JVM,
 *     {@code kafkaPort} the first node's (a pilot of a replicated setup; topics get replication 3 / min ISR 2 from 3
 *     nodes on)
 */
public record StandaloneSettings(Path dataDir, int mqttPort, int kafkaPort, int postgresPort, int apiPort,
    int simulatorPort, int partitions, MqttBrokerChoice mqttBroker, int kafkaNodes) {

  /** The MQTT broker of standalone mode. */
  public enum MqttBrokerChoice {
    /** mosquitto when it is installed, else HiveMQ CE embedded. */
    AUTO,
    /** mosquitto (Debian package {@code mosquitto}) as a child process. */
    MOSQUITTO,
    /** HiveMQ Community Edition inside this JVM: nothing to install. */
    HIVEMQ
  }

  public static final int DEFAULT_MQTT_PORT = 1883;
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_POSTGRES_PORT = 5433;
  public static final int DEFAULT_API_PORT = 8083;
  public static final int DEFAULT_SIMULATOR_PORT = 8089;
  public static final int DEFAULT_PARTITIONS = 3;
  public static final int DEFAULT_KAFKA_NODES = 1;
  public static final int MAX_KAFKA_NODES = 9;
  /** The one database holding the results and the shopfloor ledger (their tables and histories are apart). */
  public static final String DATABASE = "testline";

  public StandaloneSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(mqttBroker, "mqttBroker");
    checkPort(mqttPort, "mqttPort");
    checkPort(kafkaPort, "kafkaPort");
    checkPort(postgresPort, "postgresPort");
    checkPort(apiPort, "apiPort");
    checkPort(simulatorPort, "simulatorPort");
    if (partitions < 1 || partitions > 1000) {
      throw new IllegalArgumentException("partitions: " + partitions + " is not in 1..1000");
    }
    if (kafkaNodes < 1 || kafkaNodes > MAX_KAFKA_NODES) {
      throw new IllegalArgumentException("kafkaNodes: " + kafkaNodes + " is not in 1.." + MAX_KAFKA_NODES);
    }
  }

  /** One Kafka broker in this JVM. */
  public StandaloneSettings(Path dataDir, int mqttPort, int kafkaPort, int postgresPort, int apiPort,
      int simulatorPort, int partitions, MqttBrokerChoice mqttBroker) {
    this(dataDir, mqttPort, kafkaPort, postgresPort, apiPort, simulatorPort, partitions, mqttBroker,
        DEFAULT_KAFKA_NODES);
  }

  /** These settings with a Kafka of {@code nodes} nodes. */
  public StandaloneSettings withKafkaNodes(int nodes) {
    return new StandaloneSettings(dataDir, mqttPort, kafkaPort, postgresPort, apiPort, simulatorPort, partitions,
        mqttBroker, nodes);
  }

  /** Every port free, in {@code dataDir}: for the demo and tests. */
  public static StandaloneSettings onFreePorts(Path dataDir) {
    return onFreePorts(dataDir, MqttBrokerChoice.AUTO);
  }

  public static StandaloneSettings onFreePorts(Path dataDir, MqttBrokerChoice mqttBroker) {
    return new StandaloneSettings(dataDir, 0, 0, 0, 0, 0, DEFAULT_PARTITIONS, mqttBroker);
  }

  private static void checkPort(int port, String name) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " is not a port (0..65535, 0 = any free port)");
    }
  }
}
