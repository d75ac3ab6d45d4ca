package io.testline.bridge.forward;

import io.testline.bridge.deadletter.DeadLetterRecords;
import io.testline.bridge.metrics.BridgeMetrics;
import io.testline.errors.Errors;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.MessageType;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forward path: MQTT message in, validated, produced to Kafka, acknowledged to MQTT only from the Kafka
 * producer's success callback. Nothing here blocks the MQTT client's callback thread: {@link #accept} only enqueues.
 *
 * <p>The queues are unbounded on purpose: what bounds them is the MQTT 5 Receive Maximum, since the broker sends no
 * more unacknowledged messages than that. A full bounded queue would leave the choice of blocking the MQTT client or
 * dropping a message, and both break a promise. Messages of one MQTT topic go to one worker, which keeps a station's
 * order within this instance.
 *
 * <p>A failed send is never acknowledged. Transient failures are sent again after a backoff; a permanent failure of
 * a forward record (e.g. record too large, topic authorization) sends the original bytes to the dead-letter topic
 * with reason {@link DeadLetterReason#PERMANENT_ERROR}, and only that record's ack acknowledges the message.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
  private static final Map<MessageType, byte[]> SCHEMA_HEADERS = new EnumMap<>(MessageType.class);

  static {
    for (MessageType type : MessageType.values()) {
      SCHEMA_HEADERS.put(type, type.schemaId().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** How many queued messages a worker takes per lock round trip. */
  private static final int DRAIN_BATCH = 256;
  private static final RetryPolicy RESEND = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(10));

  private final Router router;
  private final Producer<byte[], byte[]> producer;
  private final DeadLetterRecords deadLetters;
  private final BridgeMetrics metrics;
  private final byte[] bridgeId;
  private final IsoInstantBytes receivedAtFormat = new IsoInstantBytes();
  private final List<BlockingQueue<InboundMessage>> queues = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final ScheduledExecutorService resender;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  public Forwarder(Router router, Producer<byte[], byte[]> producer, DeadLetterRecords deadLetters,
      BridgeMetrics metrics, String bridgeId, int workerCount) {
    if (workerCount < 1) {
      throw new IllegalArgumentException("workerCount: must be >= 1, was " + workerCount);
    }
    this.router = router;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.bridgeId = bridgeId.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < workerCount; i++) {
      BlockingQueue<InboundMessage> queue = new LinkedBlockingQueue<>();
      queues.add(queue);
      Thread worker = new Thread(() -> work(queue), "bridge-forward-" + i);
      worker.setDaemon(true);
      workers.add(worker);
    }
    resender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bridge-resend");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the workers. Idempotent. */
  public void start() {
    if (started.compareAndSet(false, true)) {
      workers.forEach(Thread::start);
    }
  }

  /** Hands over one message; called on the MQTT client's callback thread, so it only enqueues. */
  public void accept(InboundMessage message) {
    metrics.received();
    queues.get(Math.floorMod(message.mqttTopic().hashCode(), queues.size())).add(message);
  }

  private void work(BlockingQueue<InboundMessage> queue) {
    List<InboundMessage> batch = new ArrayList<>(DRAIN_BATCH);
    while (!closed.get()) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      // Whatever else is queued comes in the same lock round trip; order within the queue is kept.
      queue.drainTo(batch, DRAIN_BATCH - 1);
      for (InboundMessage message : batch) {
        if (closed.get()) {
          return;
        }
        try {
          process(message);
        } catch (RuntimeException e) {
          // A bug in routing must not kill the worker; the message stays unacknowledged and is sent again.
          log.error("forward failed unexpectedly for a message on {}; retrying", message.mqttTopic(), e);
          scheduleResend(() -> process(message), 1);
        }
      }
      batch.clear();
    }
  }

  private void process(InboundMessage message) {
    Route route = router.route(message.mqttTopic(), message.payload());
    if (route instanceof Route.Forward forward) {
      send(message, forwardRecord(message, forward), null, 1);
    } else if (route instanceof Route.DeadLetter dead) {
      sendDeadLetter(message, dead.reason(), dead.detail(), null, 1);
    } else {
      message.ack().run();
      metrics.downlinkEcho(message.receivedNanos());
    }
  }

  private ProducerRecord<byte[], byte[]> forwardRecord(InboundMessage message, Route.Forward forward) {
    Headers headers = new RecordHeaders();
    headers.add(Topics.HEADER_MQTT_TOPIC, message.mqttTopic().getBytes(StandardCharsets.UTF_8));
    headers.add(Topics.HEADER_RECEIVED_AT, receivedAtFormat.format(message.receivedAt()));
    headers.add(Topics.HEADER_BRIDGE, bridgeId);
    headers.add(Topics.HEADER_SCHEMA, SCHEMA_HEADERS.get(forward.type()));
    byte[] key = forward.key() == null ? null : forward.key().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(forward.topic(), null, key, message.payload(), headers);
  }

  /**
   * Sends {@code record}; on success acknowledges {@code message}. {@code deadLetterReason} is null for a forward
   * record and the reason for a dead-letter record.
   */
  private void send(InboundMessage message, ProducerRecord<byte[], byte[]> record, DeadLetterReason deadLetterReason,
      int attempt) {
    if (closed.get()) {
      return;
    }
    try {
      producer.send(record, (metadata, failure) -> {
        if (failure == null) {
          message.ack().run();
          if (deadLetterReason == null) {
            metrics.forwarded(message.receivedNanos());
          } else {
            metrics.deadLettered(deadLetterReason, message.receivedNanos());
          }
        } else {
          onFailure(message, record, deadLetterReason, attempt, failure);
        }
      });
    } catch (RuntimeException e) {
      onFailure(message, record, deadLetterReason, attempt, e);
    }
  }

  private void sendDeadLetter(InboundMessage message, DeadLetterReason reason, String detail, Throwable cause,
      int attempt) {
    send(message, deadLetters.fromMqtt(message.mqttTopic(), message.payload(), message.receivedAt(), reason, detail,
        cause), reason, attempt);
  }

  /** Runs on the producer's I/O thread or a worker: decides, then hands the next attempt to the resender. */
  private void onFailure(InboundMessage message, ProducerRecord<byte[], byte[]> record,
      DeadLetterReason deadLetterReason, int attempt, Throwable failure) {
    if (closed.get()) {
      return;
    }
    metrics.produceRetry();
    if (deadLetterReason == null && !Errors.isTransient(failure)) {
      log.warn("dead-lettering a message from {}: Kafka refused its record on {} permanently", message.mqttTopic(),
          record.topic(), failure);
      scheduleResend(() -> sendDeadLetter(message, DeadLetterReason.PERMANENT_ERROR,
          "Kafka refused the record for " + record.topic() + ": " + failure, failure, 1), 1);
      return;
    }
    if (deadLetterReason != null && !Errors.isTransient(failure)) {
      // Neither acknowledging nor dropping is allowed; keep trying and make it loud.
      log.error("dead-letter topic {} refused a record permanently (attempt {}); message from {} stays "
          + "unacknowledged and is retried", record.topic(), attempt, message.mqttTopic(), failure);
    } else {
      log.warn("send to {} failed (attempt {}), retrying: {}", record.topic(), attempt, failure.toString());
    }
    scheduleResend(() -> send(message, record, deadLetterReason, attempt + 1), attempt);
  }

  private void scheduleResend(Runnable resend, int attempt) {
    if (closed.get()) {
      return;
    }
    long delayNanos = RESEND.delayAfter(attempt, ThreadLocalRandom.current()).toNanos();
    resender.schedule(resend, delayNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Stops the workers and drops what is queued: those messages are unacknowledged, so the broker sends them again
   * on the next connection of this session. Does not close the producer (its owner does). Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      workers.forEach(Thread::interrupt);
      resender.shutdownNow();
      for (Thread worker : workers) {
        try {
          worker.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
