package io.testline.bridge.downlink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.bridge.deadletter.DeadLetterRecords;
import io.testline.bridge.mqtt.MqttPublisher;
import io.testline.kafka.ConsumerLoop;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.MessageType;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.Topics;
import io.testline.schemas.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;

/**
 * Shopfloor verdicts from Kafka down to {@code testline/v1/<stationId>/verdict} at QoS 1, on the shared
 * {@link ConsumerLoop}. Each polled batch is published, and its offsets are committed only after every PUBACK (or,
 * for a record that is not a verdict, after its dead letter is acknowledged). A failed batch is rewound and tried
 * again after a backoff: verdicts may be delivered twice, never skipped; stations are idempotent on
 * {@code eventId}.
 */
public final class VerdictDownlink implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration PUBACK_TIMEOUT = Duration.ofSeconds(30);
  private static final RetryPolicy RETRY = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(10));

  private final String topic;
  private final MqttPublisher mqtt;
  private final MessageValidator validator;
  private final Producer<byte[], byte[]> producer;
  private final DeadLetterRecords deadLetters;
  private final Counter published;
  private final Counter deadLettered;
  private final ConsumerLoop loop;

  /** Takes ownership of {@code consumer}; {@code producer} (for dead letters) stays its owner's. */
  public VerdictDownlink(Consumer<byte[], byte[]> consumer, String topic, MqttPublisher mqtt,
      MessageValidator validator, Producer<byte[], byte[]> producer, DeadLetterRecords deadLetters,
      MeterRegistry registry) {
    this.topic = topic;
    this.mqtt = mqtt;
    this.validator = validator;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.published = Counter.builder("testline.bridge.downlink.published")
        .description("verdicts the MQTT broker acknowledged").register(registry);
    this.deadLettered = Counter.builder("testline.bridge.downlink.deadlettered")
        .description("records of the verdict topic that could not be delivered").register(registry);
    this.loop = ConsumerLoop.builder("bridge-downlink", consumer, List.of(topic)).handler(this::deliver).retry(RETRY)
        .pollTimeout(POLL).registry(registry).build();
  }

  public void start() {
    loop.start();
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

  /** Stops the loop, waits for it and closes the consumer. Idempotent. */
  @Override
  public void close() {
    loop.close();
  }
}
