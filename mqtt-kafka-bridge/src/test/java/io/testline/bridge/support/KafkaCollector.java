package io.testline.bridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics from the beginning on its own thread (no group) and keeps every record, plus a count per
 * {@code eventId}, so tests can prove completeness and count duplicates.
 */
public final class KafkaCollector implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, Integer> eventIds = new ConcurrentHashMap<>();
  private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
  private final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
  private final Map<String, Long> perBridge = new ConcurrentHashMap<>();
  private final boolean keepRecords;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  public KafkaCollector(String bootstrapServers, List<String> topics, boolean keepRecords) {
    this.keepRecords = keepRecords;
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = new Thread(this::run, "test-collector");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (!closed.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (keepRecords) {
            records.add(record);
          }
          org.apache.kafka.common.header.Header bridge = record.headers().lastHeader(Topics.HEADER_BRIDGE);
          if (bridge != null) {
            perBridge.merge(new String(bridge.value(), java.nio.charset.StandardCharsets.UTF_8), 1L, Long::sum);
          }
          String id = eventId(record.value());
          if (id != null) {
            eventIds.merge(id, 1, Integer::sum);
            firstSeenNanos.putIfAbsent(id, System.nanoTime());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private static String eventId(byte[] value) {
    try {
      JsonNode node = EventJson.mapper().readTree(value);
      JsonNode id = node == null ? null : node.get("eventId");
      return id == null ? null : id.asText();
    } catch (IOException e) {
      return null;
    }
  }

  public int distinct() {
    return eventIds.size();
  }

  public boolean hasAll(Set<UUID> expected) {
    return expected.stream().allMatch(id -> eventIds.containsKey(id.toString()));
  }

  public long missing(Set<UUID> expected) {
    return expected.stream().filter(id -> !eventIds.containsKey(id.toString())).count();
  }

  /** Records beyond the first of each eventId. */
  public long duplicates() {
    return eventIds.values().stream().mapToLong(n -> n - 1).sum();
  }

  /** Records whose {@link Topics#HEADER_BRIDGE} names {@code bridgeId}: what that bridge instance forwarded. */
  public long forwardedBy(String bridgeId) {
    return perBridge.getOrDefault(bridgeId, 0L);
  }

  public List<ConsumerRecord<byte[], byte[]>> records() {
    return records;
  }

  public Long firstSeenNanos(String eventId) {
    return firstSeenNanos.get(eventId);
  }

  @Override
  public void close() throws InterruptedException {
    if (closed.compareAndSet(false, true)) {
      consumer.wakeup();
      thread.join(10_000);
    }
  }

}
