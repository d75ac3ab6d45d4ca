package io.testline.bridge.gaps;

import io.micrometer.core.instrument.MeterRegistry;
import io.testline.bridge.mqtt.MqttPublisher;
import io.testline.kafka.ConsumerLoop;
import io.testline.kafka.ConsumerLoopBuilder;
import io.testline.kafka.PipelinedHandler;
import io.testline.schemas.MessageType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
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
 * <p>It runs on the shared {@link ConsumerLoop}, which reads the seq-state topic before the first poll and commits
 * a batch once its {@link SessionStateStore#covering} stage completes. The loop never waits for those (any number
 * in flight, none awaited on a rebalance or close) nor for Kafka's answer to a commit; after every poll this class
 * writes the gaps due and, once they are on Kafka, the changed states. It wires the parts: a {@link GapTracker}
 * knows the seqs, {@link SessionStateStore} restores and writes its state, {@link GapRecords} writes the gap
 * records and sends the resend requests, {@link GapMetrics} counts.
 */
public final class GapDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final GapTracker tracker;
  private final SessionStateStore states;
  private final GapRecords gapRecords;
  private final GapMetrics metrics;
  private final Clock clock;
  private final ConsumerLoop loop;

  /**
   * Takes ownership of {@code consumer}; {@code producer} and {@code downlink} (for resend requests) stay their
   * owners'. {@code stateTopic}: the compacted topic the tracker's state is kept in (null: memory only).
   */
  public GapDetector(Consumer<byte[], byte[]> consumer, List<String> topics, Producer<byte[], byte[]> producer,
      String gapTopic, String stateTopic, MqttPublisher downlink, Duration grace, Clock clock,
      MeterRegistry registry) {
    this.tracker = new GapTracker(grace);
    this.metrics = new GapMetrics(registry);
    this.states = new SessionStateStore(producer, stateTopic, tracker, metrics);
    this.gapRecords = new GapRecords(producer, gapTopic, downlink, metrics);
    this.clock = clock;
    ConsumerLoopBuilder loop = ConsumerLoop.builder("bridge-gaps", consumer, topics).pipelined(this::see)
        .maxInFlight(Integer.MAX_VALUE).drainTimeout(Duration.ZERO).commitAsync().afterPoll(this::flush)
        .pollTimeout(POLL).registry(registry);
    if (stateTopic != null) {
      loop.restoreFirst(stateTopic, states);
    }
    this.loop = loop.build();
  }

  public void start() {
    loop.start();
  }

  /** Reads a batch into the tracker; the loop commits it once the session states it changed are on Kafka. */
  private PipelinedHandler.Batch see(ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      see(record);
    }
    return states::covering;
  }

  /**
   * After every poll: writes the gaps due, and at most every {@link SessionStateStore#COMMIT_INTERVAL}, once every
   * gap found is on Kafka, the state of every changed session, which lets the loop commit what was read before.
   */
  private void flush() {
    Instant now = clock.instant();
    gapRecords.add(tracker.due(now));
    gapRecords.writeUnwritten(now);
    states.acknowledged(now);
    if ((states.hasUncovered() || tracker.hasChanges()) && !gapRecords.hasUnwritten() && states.ready(now)) {
      states.write(now);
    }
  }

  private void see(ConsumerRecord<byte[], byte[]> record) {
    try {
      // one streaming pass over the few fields needed: the records are large (whole runs, log chunks), a tree is not
      Envelope envelope = Envelope.read(record.value());
      if (envelope.stationId() == null || envelope.agentSession() == null || envelope.seq() == null) {
        metrics.unreadable.increment();
        return;
      }
      String stationId = envelope.stationId();
      UUID agentSession = UUID.fromString(envelope.agentSession());
      String schema = envelope.schema();
      boolean isWill = MessageType.STATION_DEATH.schemaId().equals(schema) && !envelope.graceful();
      // a Will's seq was announced by the birth (and the goodbye): seeing the Will itself is no redelivery
      if (!tracker.see(stationId, agentSession, envelope.seq(), clock.instant()) && !isWill) {
        metrics.duplicates.increment();
      }
      // birth and goodbye name the seq reserved for the Will, which no event carries unless the agent vanishes
      if (envelope.willSeq() != null && (MessageType.STATION_BIRTH.schemaId().equals(schema)
          || MessageType.STATION_DEATH.schemaId().equals(schema))) {
        tracker.see(stationId, agentSession, envelope.willSeq(), clock.instant());
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
    loop.close();
  }
}
