package io.testline.bridge.gaps;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link GapTracker} over the forwarded topics (station state, events, logs) as a Kafka consumer with its own
 * group, and writes each gap as a JSON record to the seq-gaps topic. It reads Kafka rather than MQTT because with a
 * shared subscription no single bridge instance sees all of a station's traffic; Kafka has all of it.
 *
 * <p>The tracker's state lives in memory. After a restart the detector resumes from its committed offsets, so a
 * session that was running across the restart starts from the first seq read; its earlier seqs may be reported
 * as one gap from 0. Gap records are advisory (metric plus record), so this is a documented limitation.
 */
public final class GapDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final Producer<byte[], byte[]> producer;
  private final String gapTopic;
  private final GapTracker tracker;
  private final Clock clock;
  private final Counter gaps;
  private final Counter missing;
  private final Counter filled;
  private final Counter duplicates;
  private final Counter unreadable;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Takes ownership of {@code consumer}; {@code producer} stays its owner's. */
  public GapDetector(Consumer<byte[], byte[]> consumer, List<String> topics, Producer<byte[], byte[]> producer,
      String gapTopic, Duration grace, Clock clock, MeterRegistry registry) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.producer = producer;
    this.gapTopic = gapTopic;
    this.tracker = new GapTracker(grace);
    this.clock = clock;
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
        for (Gap gap : tracker.due(clock.instant())) {
          publish(gap);
        }
        if (!records.isEmpty()) {
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
    } catch (IOException | IllegalArgumentException e) {
      unreadable.increment();
      log.warn("gap detector cannot read the envelope of {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
    }
  }

  private void publish(Gap gap) {
    if (gap.filled()) {
      filled.increment();
      log.info("sequence gap filled: station {} session {} sent seq {} to {} again", gap.stationId(),
          gap.agentSession(), gap.fromSeq(), gap.toSeq());
    } else {
      gaps.increment();
      missing.increment(gap.size());
      log.warn("sequence gap: station {} session {} is missing seq {} to {} ({})", gap.stationId(),
          gap.agentSession(), gap.fromSeq(), gap.toSeq(), gap.cause());
    }
    byte[] value;
    try {
      value = EventJson.mapper().writeValueAsBytes(gap);
    } catch (IOException e) {
      log.error("cannot write gap record {}", gap, e);
      return;
    }
    producer.send(new ProducerRecord<>(gapTopic, gap.stationId().getBytes(StandardCharsets.UTF_8), value),
        (metadata, failure) -> {
          if (failure != null) {
            log.error("gap record for station {} was not written to {}", gap.stationId(), gapTopic, failure);
          }
        });
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
