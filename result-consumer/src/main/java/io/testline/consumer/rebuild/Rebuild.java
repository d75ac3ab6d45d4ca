package io.testline.consumer.rebuild;

import io.testline.consumer.ingest.BatchProcessor;
import io.testline.consumer.ingest.TransientStoreException;
import io.testline.consumer.store.WriteStats;
import io.testline.kafka.ReadToEnd;
import io.testline.retry.RetryPolicy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the result database from Kafka, the system of record: reads every partition of the given topics from
 * the beginning up to the end offsets seen at the start, through the same {@link BatchProcessor} as the live
 * consumer, into an empty database. It uses no consumer group (assign, not subscribe) and commits nothing, so it
 * can run beside the live consumers.
 */
public final class Rebuild {
  private static final Logger log = LoggerFactory.getLogger(Rebuild.class);

  private final Consumer<byte[], byte[]> consumer;
  private final DataSource dataSource;
  private final BatchProcessor processor;
  private final RetryPolicy retry;
  private final Duration pollTimeout;

  /** Uses {@code consumer} without closing it: the caller owns it. */
  public Rebuild(Consumer<byte[], byte[]> consumer, DataSource dataSource, BatchProcessor processor,
      RetryPolicy retry, Duration pollTimeout) {
    this.consumer = consumer;
    this.dataSource = dataSource;
    this.processor = processor;
    this.retry = retry;
    this.pollTimeout = pollTimeout;
  }

  /** What a rebuild read and stored. */
  public record Result(long records, WriteStats stats) {}

  /**
   * Replays {@code topics} into the database.
   *
   * @throws IllegalStateException when the database already holds events: a rebuild starts from empty
   */
  public Result run(List<String> topics) throws InterruptedException {
    requireEmpty();
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    log.info("rebuild started: {} partitions of {}", partitions.size(), topics);
    WriteStats total = new WriteStats();
    SplittableRandom random = new SplittableRandom();
    long records = new ReadToEnd(consumer, pollTimeout).<InterruptedException>read(partitions, batch -> {
      int attempt = 0;
      while (true) {
        try {
          total.add(processor.process(batch));
          break;
        } catch (TransientStoreException e) {
          attempt++;
          Duration delay = retry.delayAfter(attempt, random);
          log.warn("rebuild batch failed (attempt {}), retrying in {} ms: {}", attempt, delay.toMillis(),
              e.getMessage());
          Thread.sleep(delay.toMillis());
        }
      }
    }, () -> false);
    log.info("rebuild finished: {} records read, {} events stored, {} duplicates skipped", records,
        total.applied(), total.duplicates());
    return new Result(records, total);
  }

  private void requireEmpty() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select exists (select 1 from processed_events)")) {
      rs.next();
      if (rs.getBoolean(1)) {
        throw new IllegalStateException("the database already holds events: rebuild into an empty database");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check that the database is empty: " + e.getMessage(), e);
    }
  }
}
