package io.testline.pipeline;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The partition of a topic holding the most records (the highest end offset) and the node leading it, as the cluster's
 * metadata tells an {@link Admin}: the one whose leader a failover test kills, since most batches are in flight there.
 */
record BusiestPartition(String topic, int partition, long endOffset, int leader) {

  static BusiestPartition of(Map<String, Object> adminProps, String topic) {
    try (Admin admin = Admin.create(adminProps)) {
      TopicDescription description = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
          .get(30, TimeUnit.SECONDS).get(topic);
      Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
          .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      TopicPartition busiest = ends.entrySet().stream()
          .max(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(ListOffsetsResultInfo::offset)))
          .orElseThrow().getKey();
      Node leader = description.partitions().stream()
          .collect(Collectors.toMap(TopicPartitionInfo::partition, Function.identity()))
          .get(busiest.partition()).leader();
      if (leader == null || leader.isEmpty()) {
        throw new IllegalStateException(busiest + " has no leader");
      }
      return new BusiestPartition(topic, busiest.partition(), ends.get(busiest).offset(), leader.id());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not find the busiest partition of " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition + " (end offset " + endOffset + ", leader node " + leader + ")";
  }
}
