package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.bridge.config.BridgeConfig;
import io.testline.config.ConfigSource;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code deploy/compose.ha.yaml} without a Docker engine: three Kafka nodes forming one KRaft quorum with
 * replication 3 / min ISR 2, and two instances of every central service whose configs, loaded through the services'
 * real config classes with the environment the file gives them, name all three brokers, require that replication and
 * share their MQTT subscription or consumer group. Reuses {@link ComposeFileIT}'s YAML readers.
 */
class ComposeHaFileTest {
  private static final String FILE = "deploy/compose.ha.yaml";
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?}");
  private static final Pattern VOTER = Pattern.compile("(\\d+)@([a-z0-9-]+):(\\d+)");

  private static Path deploy;
  private static Map<String, Map<String, Object>> services;
  private static Map<String, String> envExample;

  @BeforeAll
  static void read() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    deploy = root.resolve("deploy");
    services = new TreeMap<>();
    ComposeFileIT.map(ComposeFileIT.yaml(root.resolve(FILE)).get("services"), "services")
        .forEach((name, body) -> services.put(name, ComposeFileIT.map(body, name)));
    envExample = ComposeFileIT.readEnvFile(root.resolve(".env.example"));
  }

  @Test
  void three_kafka_nodes_form_one_quorum_with_replication_3_and_min_isr_2() {
    Map<String, Map<String, String>> kafka = kafkaNodes();
    assertThat(kafka).as("Kafka services of " + FILE).hasSize(3);
    Set<String> voters = new TreeSet<>();
    Set<String> ids = new TreeSet<>();
    kafka.forEach((name, env) -> {
      assertThat(env).as(name).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3").containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
          .containsEntry("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false")
          .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).as(name + " advertises itself inside the network")
          .contains("INTERNAL://" + name + ":9092");
      ids.add(env.get("KAFKA_NODE_ID"));
      voters.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
    });
    assertThat(kafka.values().stream().map(e -> e.get("CLUSTER_ID")).distinct()).as("one CLUSTER_ID").hasSize(1);
    assertThat(voters).as("one quorum, the same on every node").hasSize(1);
    Map<String, String> voterById = new TreeMap<>();
    Matcher m = VOTER.matcher(voters.iterator().next());
    while (m.find()) {
      assertThat(m.group(3)).as("controller port of voter " + m.group(1)).isEqualTo("9093");
      voterById.put(m.group(1), m.group(2));
    }
    assertThat(voterById.keySet()).as("voters = node ids").isEqualTo(ids);
    voterById.forEach((id, host) -> assertThat(kafka.get(host)).as("voter %s@%s", id, host).isNotNull()
        .containsEntry("KAFKA_NODE_ID", id));
  }

  @Test
  void two_of_every_service_load_their_configs_with_all_three_brokers_and_the_required_replication() {
    Set<String> brokers = kafkaNodes().keySet().stream().map(n -> n + ":9092")
        .collect(Collectors.toCollection(TreeSet::new));
    List<BridgeConfig> bridges = new ArrayList<>();
    List<ConsumerConfig> consumers = new ArrayList<>();
    List<ShopfloorBridgeConfig> shopfloorBridges = new ArrayList<>();
    services.forEach((name, s) -> {
      List<String> command = ComposeFileIT.command(name, s);
      if (command.size() < 2 || !command.get(1).equals("run")) {
        return;
      }
      Path file = config(name, s, command);
      Map<String, String> env = environment(name, s);
      switch (command.get(0)) {
        case "bridge" -> bridges.add(BridgeConfig.from(ConfigSource.load(file, env, BridgeConfig.ENV_PREFIX)));
        case "result-consumer" -> consumers.add(ConsumerConfig.load(ConfigSource.load(file, env,
            ConsumerConfig.ENV_PREFIX)));
        case "shopfloor-bridge" -> shopfloorBridges.add(ShopfloorBridgeConfig.load(ConfigSource.load(file, env,
            ShopfloorBridgeConfig.ENV_PREFIX)));
        default -> throw new AssertionError("service " + name + ": unknown command " + command);
      }
    });
    assertThat(bridges).as("bridges").hasSize(2);
    assertThat(consumers).as("result-consumers").hasSize(2);
    assertThat(shopfloorBridges).as("shopfloor-bridges").hasSize(2);

    List<String> bootstraps = new ArrayList<>();
    bridges.forEach(b -> bootstraps.add(b.kafka().bootstrapServers()));
    consumers.forEach(c -> bootstraps.add(c.bootstrapServers()));
    shopfloorBridges.forEach(c -> bootstraps.add(c.bootstrapServers()));
    assertThat(bootstraps).allSatisfy(b -> assertThat(new TreeSet<>(List.of(b.split(","))))
        .as("bootstrap servers").isEqualTo(brokers));

    for (BridgeConfig b : bridges) {
      assertThat(b.topics().replicationFactor()).as(b.instanceId() + " topics.replicationFactor").isEqualTo(3);
      assertThat(b.topics().minInsyncReplicas()).as(b.instanceId() + " topics.minInsyncReplicas").isEqualTo(2);
      assertThat(b.topics().acceptUnderReplicated()).as(b.instanceId() + " topics.acceptUnderReplicated").isFalse();
    }
    assertThat(bridges.stream().map(b -> b.mqtt().shareGroup()).distinct()).as("one MQTT share group").hasSize(1);
    assertThat(bridges.stream().map(b -> b.mqtt().clientId()).distinct()).as("a session per bridge").hasSize(2);
    assertThat(bridges.stream().map(BridgeConfig::instanceId).distinct()).as("instance ids").hasSize(2);
    assertThat(bridges.stream().filter(b -> b.gaps().enabled())).as("bridges detecting gaps").hasSize(1);
    assertThat(consumers.stream().map(ConsumerConfig::groupId).distinct()).as("one consumer group").hasSize(1);
    assertThat(shopfloorBridges.stream().map(ShopfloorBridgeConfig::groupId).distinct()).as("one group").hasSize(1);
    assertThat(shopfloorBridges.stream().map(ShopfloorBridgeConfig::metricsPort).distinct())
        .as("metrics ports of shopfloor-bridges in one network namespace").hasSize(2);
    assertThat(shopfloorBridges.stream().map(c -> c.shopfloor().url()).distinct()).as("one shopfloor").hasSize(1);
  }

  @Test
  void every_service_a_service_depends_on_or_shares_a_network_with_exists() {
    services.forEach((name, s) -> {
      Object deps = s.get("depends_on");
      if (deps instanceof Map<?, ?> m) {
        assertThat(services.keySet()).as(name + " depends on").containsAll(m.keySet().stream().map(String::valueOf)
            .toList());
      }
      Object network = s.get("network_mode");
      if (network != null && network.toString().startsWith("service:")) {
        assertThat(services).as(name + " network_mode").containsKey(network.toString().substring(8));
      }
    });
  }

  private static Map<String, Map<String, String>> kafkaNodes() {
    Map<String, Map<String, String>> out = new TreeMap<>();
    services.forEach((name, s) -> {
      if (String.valueOf(s.get("image")).startsWith("apache/kafka:")) {
        out.put(name, environment(name, s));
      }
    });
    return out;
  }

  /** The host file behind the service's {@code --config}, through its bind mount (relative to deploy/). */
  private static Path config(String name, Map<String, Object> s, List<String> command) {
    String inContainer = command.get(command.indexOf("--config") + 1);
    for (Object volume : ComposeFileIT.list(s.get("volumes"), name + ".volumes")) {
      String[] parts = volume.toString().split(":");
      if (parts.length >= 2 && inContainer.startsWith(parts[1] + "/")) {
        Path file = deploy.resolve(parts[0]).resolve(inContainer.substring(parts[1].length() + 1)).normalize();
        assertThat(file).as("service %s: its config", name).isRegularFile();
        return file;
      }
    }
    throw new AssertionError("service " + name + ": config " + inContainer + " is not in a bind mount");
  }

  /** The environment compose gives the service, with ${VAR} taken from .env.example (or the default after :-). */
  private static Map<String, String> environment(String name, Map<String, Object> s) {
    Map<String, String> env = new LinkedHashMap<>();
    if (s.get("environment") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(k.toString(), VARIABLE.matcher(String.valueOf(v)).replaceAll(r -> {
        String value = envExample.getOrDefault(r.group(1), r.group(2));
        assertThat(value).as("service %s: ${%s} in .env.example", name, r.group(1)).isNotNull();
        return Matcher.quoteReplacement(value);
      })));
    }
    return env;
  }
}
