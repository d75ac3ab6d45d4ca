package io.testline.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the records of one topic whose timestamps fall in {@code [from, to)}: each partition is positioned with
 * {@code offsetsForTimes(from)} and read up to the end offset it had when the read began, so a read of a live topic
 * ends. No consumer group, no committed offsets: reading never disturbs the services' groups.
 */
public final class TopicWindow {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, Object> clientProps;

  /** {@code clientProps}: at least {@code bootstrap.servers}; security settings pass through. */
  public TopicWindow(Map<String, Object> clientProps) {
    this.clientProps = Map.copyOf(clientProps);
  }

  /**
   * Hands every record of {@code topic} with {@code from <= timestamp < to} to {@code sink}, partition by partition
   * in offset order; returns how many it handed over. {@code to == null} reads to the current end.
   */
  public long read(String topic, Instant from, Instant to, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    Properties props = new Properties();
    props.putAll(clientProps);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long handed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(p -> times.put(p, from.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(times, METADATA_TIMEOUT);
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp o = start.get(p);
        long offset = o == null ? end.get(p) : o.offset();
        if (offset < end.get(p)) {
          consumer.seek(p, offset);
          open.add(p);
        }
      }
      consumer.assign(open);
      long fromMs = from.toEpochMilli();
      long toMs = to == null ? Long.MAX_VALUE : to.toEpochMilli();
      while (!open.isEmpty()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (TopicPartition p : records.partitions()) {
          long endOffset = end.get(p);
          for (ConsumerRecord<byte[], byte[]> r : records.records(p)) {
            if (r.offset() < endOffset && r.timestamp() >= fromMs && r.timestamp() < toMs) {
              sink.accept(r);
              handed++;
            }
          }
        }
        open.removeIf(p -> consumer.position(p) >= end.get(p));
        consumer.assign(open);
      }
    }
    return handed;
  }
}
