package io.testline.cli.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many offsets a topic's time window spans, from {@code offsetsForTimes} at both ends: an upper bound of its
 * records (transaction markers take offsets too), for the progress line.
 */
final class WindowSize {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private WindowSize() {}

  /** The offsets of {@code topic} between {@code from} and {@code to}; -1 when it cannot be told. */
  static long of(Map<String, Object> clientProps, String topic, Instant from, Instant to) {
    Properties props = new Properties();
    props.putAll(clientProps);
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      Map<TopicPartition, Long> starts = offsets(consumer, partitions, from, end);
      Map<TopicPartition, Long> ends = to == null ? end : offsets(consumer, partitions, to, end);
      return partitions.stream().mapToLong(p -> Math.max(0, ends.get(p) - starts.get(p))).sum();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static Map<TopicPartition, Long> offsets(KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions, Instant at, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, at.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
    Map<TopicPartition, Long> result = new HashMap<>();
    partitions.forEach(p -> result.put(p, found.get(p) == null ? end.get(p) : found.get(p).offset()));
    return result;
  }
}
