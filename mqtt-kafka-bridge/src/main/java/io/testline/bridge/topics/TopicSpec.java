package io.testline.bridge.topics;

import java.util.Map;
import java.util.Objects;

/** One topic to create, with everything explicit: partitions, replication and its topic-level configs. */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: must be >= 1, was " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor: must be >= 1, was " + replicationFactor);
    }
    configs = Map.copyOf(configs);
  }
}
