package io.testline.shopfloor.intake;

import io.micrometer.core.instrument.MeterRegistry;
import io.testline.kafka.ConsumerLoop;
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
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;

/**
 * Reads testline.events and records every run.finished in the ledger; the other event types are skipped. It runs on
 * the shared {@link ConsumerLoop}: each poll's runs go into the ledger in one transaction, and only then are the
 * offsets committed, so a crash between the two only repeats idempotent inserts. When the database fails the batch
 * is rewound and tried again after a backoff: nothing is skipped.
 */
public final class RunIntake implements AutoCloseable {
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final RetryPolicy DATABASE_BACKOFF = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(10));

  private final Ledger ledger;
  private final Clock clock;
  private final IntakeListener listener;
  private final ConsumerLoop loop;

  /** What the intake tells the rest of the bridge. Called on the intake thread; must not block. */
  public interface IntakeListener {
    /** {@code inserted} new runs are in the ledger. */
    void recorded(int inserted);

    /** A record on the events topic could not be read; it is skipped (the MQTT bridge validates before Kafka). */
    void unreadable(ConsumerRecord<byte[], byte[]> record, RuntimeException problem);
  }

  /** Takes ownership of {@code consumer}, which must have auto-commit disabled. */
  public RunIntake(Consumer<byte[], byte[]> consumer, String topic, Ledger ledger, Clock clock,
      IntakeListener listener, MeterRegistry registry) {
    this.ledger = ledger;
    this.clock = clock;
    this.listener = listener;
    this.loop = ConsumerLoop.builder("shopfloor-intake", consumer, List.of(topic)).handler(this::record)
        .retry(DATABASE_BACKOFF).pollTimeout(POLL_TIMEOUT).registry(registry).build();
  }

  /** Starts the intake thread. Idempotent. */
  public void start() {
    loop.start();
  }

  private void record(ConsumerRecords<byte[], byte[]> records) throws SQLException {
    int inserted = ledger.insert(runsOf(records), clock.instant());
    if (inserted > 0) {
      listener.recorded(inserted);
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

  /** Stops polling, waits for the thread and closes the consumer. Idempotent. */
  @Override
  public void close() {
    loop.close();
  }
}
