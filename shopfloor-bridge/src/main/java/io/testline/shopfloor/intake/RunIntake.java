package io.testline.shopfloor.intake;

import io.testline.retry.RetryPolicy;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.RunFinished;
import io.testline.schemas.Topics;
import io.testline.shopfloor.ledger.Ledger;
import io.testline.shopfloor.ledger.NewRun;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads testline.events and records every run.finished in the ledger; the other event types are skipped. One thread
 * owns the consumer. Each poll's runs go into the ledger in one transaction, and only then are the offsets
 * committed, so a crash between the two only repeats idempotent inserts. When the database fails the consumer is
 * rewound to the poll's first offsets and tries again after a backoff: nothing is skipped.
 */
public final class RunIntake implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunIntake.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final RetryPolicy DATABASE_BACKOFF = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(10));

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Ledger ledger;
  private final Clock clock;
  private final IntakeListener listener;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  /** What the intake tells the rest of the bridge. Called on the intake thread; must not block. */
  public interface IntakeListener {
    /** {@code inserted} new runs are in the ledger. */
    void recorded(int inserted);

    /** A record on the events topic could not be read; it is skipped (the MQTT bridge validates before Kafka). */
    void unreadable(ConsumerRecord<byte[], byte[]> record, RuntimeException problem);
  }

  /** Takes ownership of {@code consumer}, which must have auto-commit disabled. */
  public RunIntake(Consumer<byte[], byte[]> consumer, String topic, Ledger ledger, Clock clock,
      IntakeListener listener) {
    this.consumer = consumer;
    this.topic = topic;
    this.ledger = ledger;
    this.clock = clock;
    this.listener = listener;
    this.thread = new Thread(this::loop, "shopfloor-intake");
  }

  /** Starts the intake thread. Idempotent. */
  public void start() {
    if (!closed.get() && running.compareAndSet(false, true)) {
      thread.start();
    }
  }

  private void loop() {
    int failures = 0;
    try {
      consumer.subscribe(List.of(topic));
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (records.isEmpty()) {
          continue;
        }
        try {
          int inserted = ledger.insert(runsOf(records), clock.instant());
          consumer.commitSync();
          failures = 0;
          if (inserted > 0) {
            listener.recorded(inserted);
          }
        } catch (WakeupException e) {
          throw e;
        } catch (SQLException | RuntimeException e) {
          failures++;
          Duration delay = DATABASE_BACKOFF.delayAfter(failures, ThreadLocalRandom.current());
          log.warn("intake could not record {} records, rewinding and retrying in {}", records.count(), delay, e);
          rewind(records);
          sleep(delay);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("intake stopped by an unexpected failure", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private List<NewRun> runsOf(ConsumerRecords<byte[], byte[]> records) {
    List<NewRun> runs = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (!mayBeRunFinished(record) || record.value() == null) {
        continue;
      }
      Event<?> event;
      try {
        event = EventJson.parse(record.value());
      } catch (RuntimeException e) {
        listener.unreadable(record, e);
        continue;
      }
      if (event.data() instanceof RunFinished run) {
        runs.add(new NewRun(run.runId(), run.serialNumber(), event.stationId(), run.endedAt(), record.topic(),
            record.partition(), record.offset(), event.eventId(), record.value()));
      }
    }
    return runs;
  }

  /** The MQTT bridge names the schema in a header; without it, the record is parsed to find out. */
  private static boolean mayBeRunFinished(ConsumerRecord<byte[], byte[]> record) {
    Header schema = record.headers().lastHeader(Topics.HEADER_SCHEMA);
    return schema == null || schema.value() == null
        || new String(schema.value(), StandardCharsets.UTF_8).equals(MessageType.RUN_FINISHED.schemaId());
  }

  private void rewind(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
    }
    first.forEach((partition, offset) -> {
      if (consumer.assignment().contains(partition)) {
        consumer.seek(partition, offset);
      }
    });
  }

  private void sleep(Duration delay) throws InterruptedException {
    long until = System.nanoTime() + delay.toNanos();
    while (running.get() && System.nanoTime() < until) {
      Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Stops polling, waits for the thread and closes the consumer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (running.compareAndSet(true, false)) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(15).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }
}
