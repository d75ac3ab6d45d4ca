package io.testline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A bounded read: partitions assigned (no group, nothing committed), read from the beginning up to the end offsets
 * seen when the read begins, then unassigned. For a state topic read back at start ({@link ConsumerLoop}'s restore)
 * and for rebuilding a store from its topics; records written after the start are left to the live consumers.
 */
public final class ReadToEnd {
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofMinutes(5);

  private final Consumer<byte[], byte[]> consumer;
  private final Duration pollTimeout;

  /** Uses {@code consumer} without closing it: the caller owns it and calls this on its thread. */
  public ReadToEnd(Consumer<byte[], byte[]> consumer, Duration pollTimeout) {
    this.consumer = consumer;
    this.pollTimeout = pollTimeout;
  }

  /** What is done with the records of one poll, in offset order per partition. */
  @FunctionalInterface
  public interface Reader<E extends Exception> {
    void read(List<ConsumerRecord<byte[], byte[]>> records) throws E;
  }

  /**
   * Reads {@code partitions} whole into {@code reader}, or until {@code stopped}; returns how many records it read.
   * What {@code reader} throws ends the read and is thrown.
   */
  public <E extends Exception> long read(Collection<TopicPartition> partitions, Reader<E> reader,
      BooleanSupplier stopped) throws E {
    consumer.assign(partitions);
    try {
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, END_OFFSETS_TIMEOUT);
      List<TopicPartition> open = new ArrayList<>(partitions);
      open.removeIf(p -> consumer.position(p) >= end.get(p));
      long count = 0;
      while (!open.isEmpty() && !stopped.getAsBoolean()) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
            batch.add(record);
          }
        }
        if (!batch.isEmpty()) {
          reader.read(batch);
          count += batch.size();
        }
        open.removeIf(p -> consumer.position(p) >= end.get(p));
      }
      return count;
    } finally {
      consumer.unsubscribe();
    }
  }
}
