package io.testline.consumer.ingest;

import io.testline.kafka.DeadLetterHeaders;
import io.testline.kafka.KafkaClientProperties;
import io.testline.schemas.DeadLetterReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes rejected records to the dead-letter topic: the original key, value and headers, plus the
 * {@code testline.dlq.*} provenance headers (reason PERMANENT_ERROR, detail, exception, source topic, partition and
 * offset). Waits for Kafka's acknowledgement (acks=all, idempotent producer), so offsets are committed only after.
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetterSink.class);
  /** Kafka header values are bytes; a detail this long says all there is to say. */

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final String component;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A producer of {@code kafka}'s (acks=all, idempotent) that gives up on a dead letter after 30 s. */
  public KafkaDeadLetterSink(KafkaClientProperties kafka, String topic, String component) {
    this.topic = topic;
    this.component = component;
    Map<String, Object> props = kafka.producer("dlq", Map.of(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public void publish(List<Rejected> rejected) {
    if (rejected.isEmpty()) {
      return;
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>(rejected.size());
    for (Rejected r : rejected) {
      ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, r.record().key(), r.record().value());
      for (Header h : r.record().headers()) {
        out.headers().add(h);
      }
      DeadLetterHeaders.addProvenance(out.headers(), DeadLetterReason.PERMANENT_ERROR, r.detail(), component,
          r.cause());
      DeadLetterHeaders.addKafkaSource(out.headers(), r.record().topic(), r.record().partition(),
          r.record().offset());
      sends.add(producer.send(out));
    }
    for (Future<RecordMetadata> send : sends) {
      try {
        send.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while dead-lettering", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("could not dead-letter to " + topic + ": " + e.getCause().getMessage(),
            e.getCause());
      }
    }
    for (Rejected r : rejected) {
      log.warn("dead-lettered record {}-{}@{}: {}", r.record().topic(), r.record().partition(), r.record().offset(),
          r.detail());
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      producer.close();
    }
  }
}
