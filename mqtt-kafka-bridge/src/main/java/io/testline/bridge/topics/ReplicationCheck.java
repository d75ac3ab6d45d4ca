package io.testline.bridge.topics;

import io.testline.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Compares the replication of existing topics with what the config requires: a topic with fewer replicas than
 * {@code topics.replicationFactor}, or a lower {@code min.insync.replicas} than {@code topics.minInsyncReplicas},
 * would let an acknowledged record be lost with one broker (PUBACK is sent on Kafka's ack), so the bridge refuses to
 * start unless {@code topics.acceptUnderReplicated} is set.
 */
public final class ReplicationCheck {

  /** What a topic has: the fewest replicas of any of its partitions and its {@code min.insync.replicas}. */
  public record Actual(int replicas, int minInsync) {}

  private ReplicationCheck() {}

  /** One line per shortfall, naming the key it falls short of; empty when every existing topic meets the specs. */
  public static List<String> shortfalls(List<TopicSpec> specs, Map<String, Actual> actual) {
    List<String> problems = new ArrayList<>();
    for (TopicSpec spec : specs) {
      Actual a = actual.get(spec.name());
      if (a == null) {
        continue; // not created yet: topics create makes it as required
      }
      if (a.replicas() < spec.replicationFactor()) {
        problems.add("topics.replicationFactor: topic " + spec.name() + " has " + a.replicas()
            + " replica(s), fewer than the required " + spec.replicationFactor());
      }
      int required = Integer.parseInt(spec.configs().getOrDefault(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
      if (a.minInsync() < required) {
        problems.add("topics.minInsyncReplicas: topic " + spec.name() + " has min.insync.replicas "
            + a.minInsync() + ", below the required " + required);
      }
    }
    return problems;
  }

  /**
   * Throws a {@link ConfigException} listing the shortfalls unless there are none or they are accepted (then the
   * caller logs them).
   */
  public static void require(List<String> shortfalls, boolean accepted) {
    if (!shortfalls.isEmpty() && !accepted) {
      throw new ConfigException(String.join("; ", shortfalls) + " (raise them on the topics, or set "
          + "topics.acceptUnderReplicated: true to run with less durability)");
    }
  }
}
