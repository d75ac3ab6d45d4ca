package io.testline.bridge.gaps;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.bridge.mqtt.MqttPublisher;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link GapTracker} over the forwarded topics (station state, events, logs) as a Kafka consumer with its own
 * group, and writes each gap as a JSON record to the seq-gaps topic. It reads Kafka rather than MQTT because with a
 * shared subscription no single bridge instance sees all of a station's traffic; Kafka has all of it.
 *
 * <p>A gap record is written until Kafka acknowledges it: while any is unwritten (Kafka is down) the detector goes
 * on reading but commits no offsets, and tries again with a backoff. Once a gap is on Kafka it is also sent down to
 * its station, on {@code testline/v1/<stationId>/resend} at QoS 1: an agent that still journals those seqs sends
 * them again, and the detector reports the gap {@code FILLED}. That request is best effort; the record is the audit
 * trail.
 *
 * <p>The tracker's state survives restarts: before it commits the offsets of what it has read, the detector writes
 * the state of every session that changed to the compacted seq-state topic (key {@code stationId/agentSession}),
 * and commits only once Kafka has it. A restarted detector first reads that topic whole, then resumes from its
 * committed offsets: every seq Kafka held before the restart is known, so a record read again (the retained
 * {@code station.birth} the broker sends on each new subscription, a redelivery after a crash) is a duplicate and
 * a session running across the restart goes on where it was. What was read after the last commit is read again,
 * which only counts duplicates. Without the seq-state topic (a deployment older than it) the state is in memory
 * only, as before, with a warning.
 *
 * <p>This class is the thread that owns the consumer and wires the parts: a {@link GapTracker} knows the seqs,
 * {@link SessionStateStore} restores and writes its state, {@link GapRecords} writes the gap records and sends the
 * resend requests, {@link GapMetrics} counts.
 */
public final class GapDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final GapTracker tracker;
  private final SessionStateStore states;
  private final GapRecords gapRecords;
  private final GapMetrics metrics;
  private final Clock clock;
  private boolean uncommitted;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Takes ownership of {@code consumer}; {@code producer} and {@code downlink} (for resend requests) stay their
   * owners'. {@code stateTopic}: the compacted topic the tracker's state is kept in (null: memory only).
   */
  public GapDetector(Consumer<byte[], byte[]> consumer, List<String> topics, Producer<byte[], byte[]> producer,
      String gapTopic, String stateTopic, MqttPublisher downlink, Duration grace, Clock clock,
      MeterRegistry registry) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.tracker = new GapTracker(grace);
    this.metrics = new GapMetrics(registry);
    this.states = new SessionStateStore(producer, stateTopic, tracker, metrics);
    this.gapRecords = new GapRecords(producer, gapTopic, downlink, metrics);
    this.clock = clock;
    this.thread = new Thread(this::run, "bridge-gaps");
    this.thread.setDaemon(true);
  }

  public void start() {
    if (started.compareAndSet(false, true)) {
      thread.start();
    }
  }

  private void run() {
    try {
      states.restore(consumer, closed::get);
      consumer.subscribe(topics);
      while (!closed.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> record : records) {
          see(record);
        }
        uncommitted |= !records.isEmpty();
        Instant now = clock.instant();
        gapRecords.add(tracker.due(now));
        gapRecords.writeUnwritten(now);
        commitWhenWritten(now);
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        log.error("gap detector woken up unexpectedly; stopping", e);
      }
    } catch (RuntimeException e) {
      log.error("gap detector stopped on an unexpected error", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Commits the offsets of what was read, at most every {@link SessionStateStore#COMMIT_INTERVAL}: only once the
   * gaps found in it are on Kafka, and only once the state of every session it changed is there too, so a restarted
   * detector knows at least everything before its committed offsets. Never blocks the poll loop.
   */
  private void commitWhenWritten(Instant now) {
    commit(states.acknowledged(now));
    if (!(uncommitted || tracker.hasChanges()) || gapRecords.hasUnwritten() || !states.ready(now)) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition p : consumer.assignment()) {
      offsets.put(p, new OffsetAndMetadata(consumer.position(p)));
    }
    uncommitted = false;
    commit(states.write(offsets, now));
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(offsets, (committed, failure) -> {
      if (failure != null) {
        log.warn("gap detector offset commit failed; it is retried with the next commit: {}", failure.toString());
      }
    });
  }

  private void see(ConsumerRecord<byte[], byte[]> record) {
    try {
      JsonNode envelope = EventJson.mapper().readTree(record.value());
      String stationId = envelope.path("stationId").asText(null);
      String session = envelope.path("agentSession").asText(null);
      JsonNode seq = envelope.path("seq");
      if (stationId == null || session == null || !seq.canConvertToLong()) {
        metrics.unreadable.increment();
        return;
      }
      UUID agentSession = UUID.fromString(session);
      String schema = envelope.path("schema").asText();
      JsonNode data = envelope.path("data");
      boolean isWill = MessageType.STATION_DEATH.schemaId().equals(schema) && !data.path("graceful").asBoolean(true);
      // a Will's seq was announced by the birth (and the goodbye): seeing the Will itself is no redelivery
      if (!tracker.see(stationId, agentSession, seq.asLong(), clock.instant()) && !isWill) {
        metrics.duplicates.increment();
      }
      // birth and goodbye name the seq reserved for the Will, which no event carries unless the agent vanishes
      JsonNode willSeq = data.path("willSeq");
      if (willSeq.canConvertToLong() && (MessageType.STATION_BIRTH.schemaId().equals(schema)
          || MessageType.STATION_DEATH.schemaId().equals(schema))) {
        tracker.see(stationId, agentSession, willSeq.asLong(), clock.instant());
      }
      metrics.read.increment();
    } catch (IOException | IllegalArgumentException e) {
      metrics.unreadable.increment();
      log.warn("gap detector cannot read the envelope of {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
    }
  }

  /** Stops the loop, waits for it and closes the consumer. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      consumer.wakeup();
      if (started.get()) {
        try {
          thread.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }
}
