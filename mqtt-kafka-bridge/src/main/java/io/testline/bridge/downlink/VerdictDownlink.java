package io.testline.bridge.downlink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.bridge.deadletter.DeadLetterRecords;
import io.testline.bridge.mqtt.MqttPublisher;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.MessageType;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.Topics;
import io.testline.schemas.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * Shopfloor verdicts from Kafka down to {@code testline/v1/<stationId>/verdict} at QoS 1. One thread owns the
 * consumer. Each polled batch is published, and its offsets are committed only after every PUBACK (or, for a
 * record that is not a verdict, after its dead letter is acknowledged). A failed batch is rewound and tried again
 * after a backoff: verdicts may be delivered twice, never skipped; stations are idempotent on {@code eventId}.
 */
public final class VerdictDownlink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VerdictDownlink.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration PUBACK_TIMEOUT = Duration.ofSeconds(30);
  private static final RetryPolicy RETRY = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(10));

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final MqttPublisher mqtt;
  private final MessageValidator validator;
  private final Producer<byte[], byte[]> producer;
  private final DeadLetterRecords deadLetters;
  private final Counter published;
  private final Counter deadLettered;
  private final Counter failedBatches;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Takes ownership of {@code consumer}; {@code producer} (for dead letters) stays its owner's. */
  public VerdictDownlink(Consumer<byte[], byte[]> consumer, String topic, MqttPublisher mqtt,
      MessageValidator validator, Producer<byte[], byte[]> producer, DeadLetterRecords deadLetters,
      MeterRegistry registry) {
    this.consumer = consumer;
    this.topic = topic;
    this.mqtt = mqtt;
    this.validator = validator;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.published = Counter.builder("testline.bridge.downlink.published")
        .description("verdicts the MQTT broker acknowledged").register(registry);
    this.deadLettered = Counter.builder("testline.bridge.downlink.deadlettered")
        .description("records of the verdict topic that could not be delivered").register(registry);
    this.failedBatches = Counter.builder("testline.bridge.downlink.retries")
        .description("batches rewound and tried again").register(registry);
    this.thread = new Thread(this::run, "bridge-downlink");
    this.thread.setDaemon(true);
  }

  public void start() {
    if (started.compareAndSet(false, true)) {
      thread.start();
    }
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic));
      int failures = 0;
      while (!closed.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
          continue;
        }
        try {
          deliver(records);
          consumer.commitSync(nextOffsets(records));
          failures = 0;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          if (e instanceof WakeupException) {
            throw (WakeupException) e;
          }
          failures++;
          failedBatches.increment();
          Duration delay = RETRY.delayAfter(failures, ThreadLocalRandom.current());
          log.warn("verdict downlink batch failed (attempt {}), rewinding and retrying in {}", failures, delay, e);
          rewind(records);
          TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        log.error("verdict downlink woken up unexpectedly; stopping", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("verdict downlink stopped on an unexpected error", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void deliver(ConsumerRecords<byte[], byte[]> records)
      throws ExecutionException, TimeoutException, InterruptedException {
    List<CompletableFuture<?>> pending = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      pending.add(deliver(record));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .get(PUBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<?> deliver(ConsumerRecord<byte[], byte[]> record) {
    byte[] value = record.value() == null ? new byte[0] : record.value();
    Validation validation = validator.validate(value);
    if (validation instanceof Validation.Valid valid && valid.type() == MessageType.SHOPFLOOR_VERDICT) {
      return mqtt.publish(Topics.mqttTopic(valid.stationId(), Topics.Kind.VERDICT), value)
          .thenRun(published::increment);
    }
    DeadLetterReason reason;
    String detail;
    if (validation instanceof Validation.Invalid invalid) {
      reason = invalid.reason();
      detail = invalid.detail();
    } else {
      reason = DeadLetterReason.BAD_TOPIC;
      detail = ((Validation.Valid) validation).type().schemaId() + " is not a verdict; " + topic
          + " carries only " + MessageType.SHOPFLOOR_VERDICT.schemaId();
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    producer.send(deadLetters.fromKafka(record.topic(), record.partition(), record.offset(), record.key(), value,
        reason, detail, null), (metadata, failure) -> {
          if (failure == null) {
            deadLettered.increment();
            sent.complete(null);
          } else {
            sent.completeExceptionally(failure);
          }
        });
    return sent;
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return offsets;
  }

  private void rewind(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      consumer.seek(partition, records.records(partition).get(0).offset());
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
