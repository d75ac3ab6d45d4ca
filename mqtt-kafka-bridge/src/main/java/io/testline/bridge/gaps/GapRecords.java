package io.testline.bridge.gaps;

import io.testline.bridge.mqtt.MqttPublisher;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.EventJson;
import io.testline.schemas.SeqGap;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes gap records to the seq-gaps topic (JSON, key {@code stationId}) until Kafka acknowledges them, and once one
 * is there counts it, logs it and, for an open gap, sends it down to its station as a resend request on
 * {@code testline/v1/<stationId>/resend} at QoS 1 (best effort; the record is the audit trail). Used by the
 * detector's thread only; never blocks it.
 */
final class GapRecords {
  // the detector's logger: operators grep its lines under that name
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final RetryPolicy RETRY = RetryPolicy.forever(Duration.ofMillis(500), Duration.ofSeconds(10));

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  /** Null: no resend requests. */
  private final MqttPublisher downlink;
  private final GapMetrics metrics;
  /** Gaps found but not yet acknowledged by Kafka, oldest first. */
  private final List<Unwritten> unwritten = new ArrayList<>();
  private int writeFailures;
  private Instant nextWriteAttempt = Instant.MIN;

  /** {@code producer} and {@code downlink} (null: no resend requests) stay their owners'. */
  GapRecords(Producer<byte[], byte[]> producer, String topic, MqttPublisher downlink, GapMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.downlink = downlink;
    this.metrics = metrics;
  }

  /** Queues gaps to be written, after those already waiting. */
  void add(List<SeqGap> gaps) {
    gaps.forEach(gap -> unwritten.add(new Unwritten(gap)));
  }

  /** True while a gap record is not yet acknowledged by Kafka: the offsets it was found in must stay uncommitted. */
  boolean hasUnwritten() {
    return !unwritten.isEmpty();
  }

  /**
   * Moves every unwritten gap record on: one Kafka acknowledged is done; one whose write failed (no metadata while
   * Kafka is down) is sent again after a backoff; one still waiting for its acknowledgement waits (the producer
   * retries it without end, so sending it again would only make a duplicate). Never blocks.
   */
  void writeUnwritten(Instant now) {
    if (unwritten.isEmpty()) {
      return;
    }
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
          u.send = producer.send(new ProducerRecord<>(topic, u.gap.stationId().getBytes(StandardCharsets.UTF_8),
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
    metrics.writeRetries.increment();
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
      metrics.filled.increment();
      log.info("sequence gap filled: station {} session {} sent seq {} to {} again", gap.stationId(),
          gap.agentSession(), gap.fromSeq(), gap.toSeq());
      return;
    }
    metrics.gaps.increment();
    metrics.missing.increment(gap.size());
    log.warn("sequence gap: station {} session {} is missing seq {} to {} ({}); asking the station to resend",
        gap.stationId(), gap.agentSession(), gap.fromSeq(), gap.toSeq(), gap.cause());
    if (downlink == null) {
      return;
    }
    try {
      downlink.publish(Topics.mqttTopic(gap.stationId(), Topics.Kind.RESEND), EventJson.toBytes(gap))
          .whenComplete((ok, failure) -> {
            if (failure == null) {
              metrics.resendRequests.increment();
            } else {
              metrics.resendRequestsFailed.increment();
              log.warn("resend request to station {} for seq {} to {} failed: {}", gap.stationId(), gap.fromSeq(),
                  gap.toSeq(), failure.toString());
            }
          });
    } catch (RuntimeException e) {
      metrics.resendRequestsFailed.increment();
      log.warn("cannot send the resend request to station {}: {}", gap.stationId(), e.toString());
    }
  }
}
