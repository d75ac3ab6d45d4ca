package io.testline.pipeline;

import static org.awaitility.Awaitility.await;

import io.testline.bridge.config.BridgeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Waits, as an operator could with Kafka's admin API, until the bridges' gap detector has read everything. */
final class GapDetectorCatchUp {
  private GapDetectorCatchUp() {}

  /** The gap detector group's committed offsets have reached the end of every partition of {@code topics}. */
  static void awaitCaughtUp(Map<String, Object> kafka, List<String> topics) {
    try (Admin admin = Admin.create(kafka)) {
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed = admin
            .listConsumerGroupOffsets(BridgeConfig.DEFAULT_GAPS_GROUP).partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
          d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
            || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
      });
    }
  }
}
