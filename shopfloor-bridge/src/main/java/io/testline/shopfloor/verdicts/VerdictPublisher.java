package io.testline.shopfloor.verdicts;

import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.shopfloor.ledger.Ledger;
import io.testline.shopfloor.ledger.PendingVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the ledger's verdicts as shopfloor.verdict events to the verdicts topic, keyed by serial number, and
 * marks each published once Kafka has acknowledged it. A verdict not yet acknowledged when the bridge stops is
 * published after the restart; it keeps the event id the ledger gave it, so consumers see a repeat, not a new
 * verdict.
 */
public final class VerdictPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VerdictPublisher.class);
  private static final int BATCH = 500;
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Ledger ledger;
  private final UUID session;
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final Object signal = new Object();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;
  private boolean woken;

  /**
   * Takes ownership of {@code producer} (idempotent, acks=all).
   *
   * @param session this bridge instance's session id: the events' {@code agentSession}
   */
  public VerdictPublisher(Producer<String, byte[]> producer, String topic, Ledger ledger, UUID session) {
    this.producer = producer;
    this.topic = topic;
    this.ledger = ledger;
    this.session = session;
    this.thread = new Thread(this::loop, "shopfloor-verdicts");
  }

  /** Starts publishing. Idempotent. */
  public void start() {
    if (!closed.get() && running.compareAndSet(false, true)) {
      thread.start();
    }
  }

  /** A verdict was recorded: publish now rather than at the next poll. */
  public void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /** Verdict events acknowledged by Kafka since start. */
  public long published() {
    return published.get();
  }

  private void loop() {
    while (running.get()) {
      try {
        if (publishBatch() < BATCH) {
          pause(POLL_INTERVAL);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.warn("could not publish verdicts, retrying in {}", POLL_INTERVAL, e);
        try {
          pause(POLL_INTERVAL);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Publishes one batch; returns its size. */
  int publishBatch() throws Exception {
    List<PendingVerdict> pending = ledger.unpublishedVerdicts(BATCH);
    if (pending.isEmpty()) {
      return 0;
    }
    List<Future<RecordMetadata>> acks = new ArrayList<>(pending.size());
    for (PendingVerdict v : pending) {
      acks.add(producer.send(new ProducerRecord<>(topic, v.serialNumber(), EventJson.toBytes(eventOf(v)))));
    }
    producer.flush();
    // the futures are complete after flush; waiting here, on this thread, keeps producer callbacks free of work
    List<PendingVerdict> acknowledged = new ArrayList<>(pending.size());
    Exception firstFailure = null;
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        acknowledged.add(pending.get(i));
      } catch (ExecutionException | TimeoutException e) {
        if (firstFailure == null) {
          firstFailure = e;
        }
      }
    }
    ledger.markPublished(acknowledged);
    published.addAndGet(acknowledged.size());
    if (firstFailure != null) {
      throw firstFailure;
    }
    return pending.size();
  }

  private Event<ShopfloorVerdict> eventOf(PendingVerdict v) {
    ShopfloorVerdict verdict = new ShopfloorVerdict(v.runId(), v.serialNumber(), v.verdict(), v.code(), v.message(),
        v.attempts(), v.latencyMs(), v.shopfloorReference());
    return new Event<>(verdict.type().schemaId(), v.eventId(), v.stationId(), session, seq.getAndIncrement(),
        v.verdictAt(), verdict);
  }

  private void pause(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      while (!woken && running.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(signal, left);
      }
      woken = false;
    }
  }

  /** Stops publishing after the current batch and closes the producer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running.set(false);
    wake();
    try {
      thread.join(ACK_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
