package io.testline.bridge.gaps;

import io.testline.schemas.SeqGap;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.bridge.mqtt.MqttPublisher;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.SeqGap;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * <p>The tracker's state lives in memory. After a restart the detector resumes from its committed offsets, so a
 * session that was running across the restart starts from the first seq read; its earlier seqs may be reported
 * as one gap from 0. SeqGap records are advisory (metric plus record), so this is a documented limitation.
 */
public final class GapDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final RetryPolicy RETRY = RetryPolicy.forever(Duration.ofMillis(500), Duration.ofSeconds(10));

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final Producer<byte[], byte[]> producer;
  private final String gapTopic;
  private final MqttPublisher downlink;
  private final GapTracker tracker;
  private final Clock clock;
  private final Counter read;
  private final Counter gaps;
  private final Counter missing;
  private final Counter filled;
  private final Counter duplicates;
  private final Counter unreadable;
  private final Counter writeRetries;
  private final Counter resendRequests;
  private final Counter resendRequestsFailed;
  /** Gaps found but not yet acknowledged by Kafka, oldest first; owned by the detector thread. */
  private final List<Unwritten> unwritten = new ArrayList<>();
  private int writeFailures;
  private Instant nextWriteAttempt = Instant.MIN;
  private boolean uncommitted;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Takes ownership of {@code consumer}; {@code producer} and {@code downlink} (for resend requests) stay their
   * owners'.
   */
  public GapDetector(Consumer<byte[], byte[]> consumer, List<String> topics, Producer<byte[], byte[]> producer,
      String gapTopic, MqttPublisher downlink, Duration grace, Clock clock, MeterRegistry registry) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.producer = producer;
    this.gapTopic = gapTopic;
    this.downlink = downlink;
    this.tracker = new GapTracker(grace);
    this.clock = clock;
    this.read = Counter.builder("testline.bridge.seq.events")
        .description("station events the gap detector has read and tracked").register(registry);
    this.gaps = Counter.builder("testline.bridge.seq.gaps").description("sequence gaps detected")
        .register(registry);
    this.missing = Counter.builder("testline.bridge.seq.missing").description("events missing in detected gaps")
        .register(registry);
    this.filled = Counter.builder("testline.bridge.seq.gaps.filled")
        .description("gaps whose every event arrived later (the station sent them again)").register(registry);
    this.duplicates = Counter.builder("testline.bridge.seq.duplicates")
        .description("events seen in Kafka more than once (redeliveries)").register(registry);
    this.unreadable = Counter.builder("testline.bridge.seq.unreadable")
        .description("records without a readable stationId, agentSession and seq").register(registry);
    this.writeRetries = Counter.builder("testline.bridge.seq.gaps.write.retries")
        .description("attempts to write gap records that Kafka did not acknowledge").register(registry);
    this.resendRequests = Counter.builder("testline.bridge.seq.resend.requests")
        .description("gaps sent down to their station as a resend request").register(registry);
    this.resendRequestsFailed = Counter.builder("testline.bridge.seq.resend.requests.failed")
        .description("resend requests the MQTT broker did not acknowledge").register(registry);
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
      consumer.subscribe(topics);
      while (!closed.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> record : records) {
          see(record);
        }
        uncommitted |= !records.isEmpty();
        Instant now = clock.instant();
        tracker.due(now).forEach(gap -> unwritten.add(new Unwritten(gap)));
        if (!unwritten.isEmpty()) {
          writeUnwritten(now);
        }
        // the offsets of what was read go to Kafka only once the gaps found in it are there too
        if (uncommitted && unwritten.isEmpty()) {
          uncommitted = false;
          consumer.commitAsync((offsets, failure) -> {
            if (failure != null) {
              log.warn("gap detector offset commit failed; it is retried with the next poll: {}",
                  failure.toString());
            }
          });
        }
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

  private void see(ConsumerRecord<byte[], byte[]> record) {
    try {
      JsonNode envelope = EventJson.mapper().readTree(record.value());
      String stationId = envelope.path("stationId").asText(null);
      String session = envelope.path("agentSession").asText(null);
      JsonNode seq = envelope.path("seq");
      if (stationId == null || session == null || !seq.canConvertToLong()) {
        unreadable.increment();
        return;
      }
      UUID agentSession = UUID.fromString(session);
      String schema = envelope.path("schema").asText();
      JsonNode data = envelope.path("data");
      boolean isWill = MessageType.STATION_DEATH.schemaId().equals(schema) && !data.path("graceful").asBoolean(true);
      // a Will's seq was announced by the birth (and the goodbye): seeing the Will itself is no redelivery
      if (!tracker.see(stationId, agentSession, seq.asLong(), clock.instant()) && !isWill) {
        duplicates.increment();
      }
      // birth and goodbye name the seq reserved for the Will, which no event carries unless the agent vanishes
      JsonNode willSeq = data.path("willSeq");
      if (willSeq.canConvertToLong() && (MessageType.STATION_BIRTH.schemaId().equals(schema)
          || MessageType.STATION_DEATH.schemaId().equals(schema))) {
        tracker.see(stationId, agentSession, willSeq.asLong(), clock.instant());
      }
      read.increment();
    } catch (IOException | IllegalArgumentException e) {
      unreadable.increment();
      log.warn("gap detector cannot read the envelope of {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
    }
  }

  /**
   * Moves every unwritten gap record on: one Kafka acknowledged is done; one whose write failed (no metadata while
   * Kafka is down) is sent again after a backoff; one still waiting for its acknowledgement waits (the producer
   * retries it without end, so sending it again would only make a duplicate). Never blocks the poll loop.
   */
  private void writeUnwritten(Instant now) {
    boolean failed = false;
    Throwable firstFailure = null;
    for (Iterator<Unwritten> it = unwritten.iterator(); it.hasNext(); ) {
      Unwritten u = it.next();
      if (u.send != null && u.send.isDone()) {
        try {
          u.send.get();
          it.remove();
          written(u.gap);
          continue;
        } catch (ExecutionException e) {
          u.send = null;
          failed = true;
          firstFailure = firstFailure == null ? e.getCause() : firstFailure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (u.send == null && !now.isBefore(nextWriteAttempt)) {
        try {
          u.send = producer.send(new ProducerRecord<>(gapTopic, u.gap.stationId().getBytes(StandardCharsets.UTF_8),
              EventJson.toBytes(u.gap)));
        } catch (RuntimeException e) {
          failed = true;
          firstFailure = firstFailure == null ? e : firstFailure;
        }
      }
    }
    if (!failed) {
      if (unwritten.isEmpty()) {
        writeFailures = 0;
      }
      return;
    }
    writeFailures++;
    writeRetries.increment();
    Duration delay = RETRY.delayAfter(writeFailures, ThreadLocalRandom.current());
    nextWriteAttempt = now.plus(delay);
    log.warn("{} gap record(s) not yet on Kafka ({}); offsets stay uncommitted, writing again in {}",
        unwritten.size(), String.valueOf(firstFailure), delay);
  }

  /** A gap record on its way to Kafka. */
  private static final class Unwritten {
    final SeqGap gap;
    Future<RecordMetadata> send;

    Unwritten(SeqGap gap) {
      this.gap = gap;
    }
  }

  /** A gap record is on Kafka: counted, logged and, for an open gap, sent down to its station. */
  private void written(SeqGap gap) {
    if (gap.filled()) {
      filled.increment();
      log.info("sequence gap filled: station {} session {} sent seq {} to {} again", gap.stationId(),
          gap.agentSession(), gap.fromSeq(), gap.toSeq());
      return;
    }
    gaps.increment();
    missing.increment(gap.size());
    log.warn("sequence gap: station {} session {} is missing seq {} to {} ({}); asking the station to resend",
        gap.stationId(), gap.agentSession(), gap.fromSeq(), gap.toSeq(), gap.cause());
    if (downlink == null) {
      return;
    }
    try {
      downlink.publish(Topics.mqttTopic(gap.stationId(), Topics.Kind.RESEND), EventJson.toBytes(gap))
          .whenComplete((ok, failure) -> {
            if (failure == null) {
              resendRequests.increment();
            } else {
              resendRequestsFailed.increment();
              log.warn("resend request to station {} for seq {} to {} failed: {}", gap.stationId(), gap.fromSeq(),
                  gap.toSeq(), failure.toString());
            }
          });
    } catch (RuntimeException e) {
      resendRequestsFailed.increment();
      log.warn("cannot send the resend request to station {}: {}", gap.stationId(), e.toString());
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
