package io.testline.bridge.topics;

import io.testline.bridge.config.BridgeConfig;
import io.testline.schemas.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topics testline's bridge writes and reads, with their settings. Kafka is the system of record (PostgreSQL can
 * be rebuilt from it), so events, logs and verdicts keep their records for as long as configured (forever by
 * default); station state is compacted by station; every topic takes the largest message plus headers.
 */
public final class TopicCatalog {
  private TopicCatalog() {}

  /** The topics with the replication {@code config} requires on a cluster of {@code brokers}. */
  public static List<TopicSpec> of(BridgeConfig config, int brokers) {
    BridgeConfig.TopicSettings s = config.topics();
    BridgeConfig.Replication r = s.replicationFor(brokers);
    TopicNames names = new TopicNames(config.kafka().topicPrefix());
    return List.of(
        spec(names.events(), s, r, deleteAfter(s.eventsRetention())),
        spec(names.logs(), s, r, deleteAfter(s.logsRetention())),
        spec(names.stationState(), s, r, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        spec(names.verdicts(), s, r, deleteAfter(s.verdictsRetention())),
        spec(names.seqGaps(), s, r, deleteAfter(s.seqGapsRetention())),
        // one record per agent session (the newest wins), read back whole when the gap detector starts
        spec(names.seqState(), s, r, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        spec(names.deadLetter(), s, r, deleteAfter(s.deadLetterRetention())));
  }

  private static Map<String, String> deleteAfter(Duration retention) {
    return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.isNegative() ? -1 : retention.toMillis()));
  }

  private static TopicSpec spec(String name, BridgeConfig.TopicSettings s, BridgeConfig.Replication r,
      Map<String, String> specific) {
    Map<String, String> configs = new HashMap<>(specific);
    configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(s.maxMessageBytes()));
    configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(r.minInsync()));
    return new TopicSpec(name, s.partitions(), r.factor(), configs);
  }
}
