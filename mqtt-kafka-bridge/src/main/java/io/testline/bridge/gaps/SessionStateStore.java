package io.testline.bridge.gaps;

import io.testline.kafka.RestoreListener;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link GapTracker}'s state in the compacted seq-state topic (JSON {@link SessionState}, key
 * {@code stationId/agentSession}): takes it back whole at start (the consumer loop reads the topic and hands each
 * record to {@link #restore}), and writes the state of every changed session before the batches read are
 * committed: each batch's {@link #covering} stage completes only once Kafka has acknowledged every state written
 * after it was read (so a restarted detector knows at least everything before its committed offsets). Without the
 * topic (null, or found absent at start) the state is in memory only and batches are covered at once. Used by the
 * detector's loop thread only; never blocks it.
 */
final class SessionStateStore implements RestoreListener {
  // the detector's logger: operators grep its lines under that name
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final RetryPolicy RETRY = RetryPolicy.forever(Duration.ofMillis(500), Duration.ofSeconds(10));
  /** How often at most the state of changed sessions is written and offsets committed. */
  static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  private final Producer<byte[], byte[]> producer;
  /** The compacted topic of session states; null once known to be absent (state in memory only). */
  private String topic;
  private final GapTracker tracker;
  private final GapMetrics metrics;
  /** Batches read since the last write: the next write covers them. */
  private List<CompletableFuture<Void>> uncovered = new ArrayList<>();
  /** Session states on their way to Kafka, and the batches they cover. */
  private PendingWrite pending;
  private Instant nextCommit = Instant.MIN;
  private int writeFailures;
  private long restored;

  /** {@code producer} stays its owner's; {@code topic} null: state in memory only. */
  SessionStateStore(Producer<byte[], byte[]> producer, String topic, GapTracker tracker, GapMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.tracker = tracker;
    this.metrics = metrics;
  }

  /** One record of the topic, read back before the first event. */
  @Override
  public void restore(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    try {
      tracker.restore(EventJson.mapper().readValue(record.value(), SessionState.class));
      restored++;
    } catch (IOException | RuntimeException e) {
      metrics.unreadable.increment();
      log.warn("gap detector cannot read the session state at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
    }
  }

  @Override
  public void restored(boolean exists, long records) {
    if (!exists) {
      log.warn("gap detector: topic {} does not exist (create it with `topics create`); its state stays in "
          + "memory only, and a restart may report gaps for seqs Kafka holds", topic);
      topic = null;
      return;
    }
    log.info("gap detector restored {} session states ({} sessions tracked) from {}", restored, tracker.sessions(),
        topic);
  }

  /** A batch just read into the tracker: the stage completes once a {@link #write} after it is on Kafka. */
  CompletableFuture<Void> covering() {
    CompletableFuture<Void> batch = new CompletableFuture<>();
    uncovered.add(batch);
    return batch;
  }

  /** True when batches were read since the last {@link #write}. */
  boolean hasUncovered() {
    return !uncovered.isEmpty();
  }

  /**
   * Once Kafka has acknowledged every state of the last {@link #write}, completes the batches it covers. When a
   * state was not acknowledged its session goes back to the tracker to be written again with its newest state,
   * after a backoff, and those batches wait for that later write.
   */
  void acknowledged(Instant now) {
    if (pending == null || !pending.done()) {
      return;
    }
    PendingWrite done = pending;
    pending = null;
    List<SessionState> failed = done.failed();
    if (failed.isEmpty()) {
      writeFailures = 0;
      done.covered().forEach(batch -> batch.complete(null));
      return;
    }
    tracker.unwritten(failed);
    uncovered.addAll(0, done.covered());
    writeFailures++;
    metrics.writeRetries.increment();
    Duration delay = RETRY.delayAfter(writeFailures, ThreadLocalRandom.current());
    nextCommit = now.plus(delay);
    log.warn("{} session state(s) not written to {}; offsets stay uncommitted, writing again in {}",
        failed.size(), topic, delay);
  }

  /**
   * True when a {@link #write} may start: none is on its way, and {@link #COMMIT_INTERVAL} (or the backoff after a
   * failed write) has passed.
   */
  boolean ready(Instant now) {
    return pending == null && !now.isBefore(nextCommit);
  }

  /**
   * Sends the state of every session the tracker changed since the last write, to cover the batches read since.
   * When there is nothing to wait for (no state changed, or no topic) they are covered at once; otherwise
   * {@link #acknowledged} covers them once Kafka has every state.
   */
  void write(Instant now) {
    nextCommit = now.plus(COMMIT_INTERVAL);
    List<CompletableFuture<Void>> covered = uncovered;
    uncovered = new ArrayList<>();
    List<SessionState> states = tracker.changes();
    if (topic == null || states.isEmpty()) {
      covered.forEach(batch -> batch.complete(null));
      return;
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>(states.size());
    for (SessionState state : states) {
      try {
        sends.add(producer.send(new ProducerRecord<>(topic,
            (state.stationId() + '/' + state.agentSession()).getBytes(StandardCharsets.UTF_8),
            EventJson.mapper().writeValueAsBytes(state))));
      } catch (IOException | RuntimeException e) {
        sends.add(CompletableFuture.failedFuture(e));
      }
    }
    pending = new PendingWrite(covered, states, sends);
  }

  /** Session states sent to the seq-state topic, and the batches they cover. */
  private record PendingWrite(List<CompletableFuture<Void>> covered, List<SessionState> states,
      List<Future<RecordMetadata>> sends) {

    boolean done() {
      return sends.stream().allMatch(Future::isDone);
    }

    List<SessionState> failed() {
      List<SessionState> failed = new ArrayList<>();
      for (int i = 0; i < sends.size(); i++) {
        try {
          sends.get(i).get();
        } catch (ExecutionException e) {
          failed.add(states.get(i));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed.add(states.get(i));
        }
      }
      return failed;
    }
  }
}
