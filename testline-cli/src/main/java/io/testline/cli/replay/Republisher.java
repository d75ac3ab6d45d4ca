package io.testline.cli.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces replayed records to an existing topic: same key, value and headers, plus {@link #SOURCE_HEADER}
 * ({@code topic/partition/offset}); acks=all and idempotent. The timestamp is the broker's new one, so the copy's
 * retention starts now. {@link #finish} waits for every acknowledgement and fails if any send failed.
 */
final class Republisher implements AutoCloseable {
  /** Where a republished record came from: {@code topic/partition/offset}. */
  static final String SOURCE_HEADER = "testline.replay.source";

  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  Republisher(Map<String, Object> clientProps, String topic) {
    this.topic = topic;
    Properties props = new Properties();
    props.putAll(clientProps);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      producer.partitionsFor(topic);
    } catch (TimeoutException e) {
      producer.close(Duration.ZERO);
      throw new IllegalArgumentException("--republish-to: topic " + topic + " does not exist (create it first)", e);
    }
  }

  void send(ConsumerRecord<byte[], byte[]> record) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(SOURCE_HEADER, (record.topic() + "/" + record.partition() + "/" + record.offset())
        .getBytes(StandardCharsets.UTF_8));
    producer.send(new ProducerRecord<>(topic, null, null, record.key(), record.value(), headers), (meta, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      } else {
        acked.incrementAndGet();
      }
    });
  }

  /** Waits for every send's acknowledgement; returns how many were acknowledged, or throws the first failure. */
  long finish() {
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("republishing to " + topic + " failed after " + acked.get() + " records", e);
    }
    return acked.get();
  }

  String topic() {
    return topic;
  }

  @Override
  public void close() {
    producer.close();
  }
}
