package io.testline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic whole with the loop's consumer before it subscribes ({@link ReadToEnd}). Waits for the topic's
 * metadata as long as it takes (the loop could read nothing without Kafka anyway) or until stopped.
 */
final class TopicRestore {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final String loop;
  private final String topic;
  private final RestoreListener listener;
  private final Duration pollTimeout;

  TopicRestore(String loop, String topic, RestoreListener listener, Duration pollTimeout) {
    this.loop = loop;
    this.topic = topic;
    this.listener = listener;
    this.pollTimeout = pollTimeout;
  }

  void run(Consumer<byte[], byte[]> consumer, BooleanSupplier stopped) {
    List<TopicPartition> partitions = partitions(consumer, stopped);
    if (partitions == null) {
      return;
    }
    if (partitions.isEmpty()) {
      listener.restored(false, 0);
      return;
    }
    long started = System.nanoTime();
    long records = new ReadToEnd(consumer, pollTimeout).<RuntimeException>read(partitions,
        batch -> batch.forEach(listener::restore), stopped);
    if (!stopped.getAsBoolean()) {
      log.info("{}: restored {} records from {} in {} ms", loop, records, topic,
          (System.nanoTime() - started) / 1_000_000);
      listener.restored(true, records);
    }
  }

  /** The topic's partitions; empty when it does not exist, null when stopped before Kafka answered. */
  private List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, BooleanSupplier stopped) {
    for (int attempt = 1; !stopped.getAsBoolean(); attempt++) {
      try {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
          infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
      } catch (TimeoutException e) {
        log.warn("{}: cannot read the partitions of {} yet (attempt {}): {}", loop, topic, attempt, e.toString());
      }
    }
    return null;
  }
}
