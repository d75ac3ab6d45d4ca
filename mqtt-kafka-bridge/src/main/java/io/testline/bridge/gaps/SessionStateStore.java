package io.testline.bridge.gaps;

import io.testline.retry.RetryPolicy;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link GapTracker}'s state in the compacted seq-state topic (JSON {@link SessionState}, key
 * {@code stationId/agentSession}): reads it back whole at start, and writes the state of every changed session
 * before the offsets of what was read are committed, handing those offsets over only once Kafka has acknowledged
 * every state (so a restarted detector knows at least everything before its committed offsets). Without the topic
 * (null, or found absent at start) the state is in memory only and offsets are handed over at once. Used by the
 * detector's thread only; never blocks it once restored.
 */
final class SessionStateStore {
  // the detector's logger: operators grep its lines under that name
  private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
  private static final RetryPolicy RETRY = RetryPolicy.forever(Duration.ofMillis(500), Duration.ofSeconds(10));
  /** How often at most the state of changed sessions is written and offsets committed. */
  static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(250);

  private final Producer<byte[], byte[]> producer;
  /** The compacted topic of session states; null once known to be absent (state in memory only). */
  private String topic;
  private final GapTracker tracker;
  private final GapMetrics metrics;
  /** Session states on their way to Kafka, and the offsets to commit once they are there. */
  private PendingCommit pending;
  private Instant nextCommit = Instant.MIN;
  private int writeFailures;

  /** {@code producer} stays its owner's; {@code topic} null: state in memory only. */
  SessionStateStore(Producer<byte[], byte[]> producer, String topic, GapTracker tracker, GapMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.tracker = tracker;
    this.metrics = metrics;
  }

  /**
   * Reads the topic whole into the tracker with {@code consumer} (assigned, then unsubscribed again), before the
   * first event. Waits for Kafka as long as it takes (nothing could be read without it anyway) or until
   * {@code stopped}; a missing topic leaves the state in memory only.
   */
  void restore(Consumer<byte[], byte[]> consumer, BooleanSupplier stopped) {
    if (topic == null) {
      return;
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (int attempt = 1; !stopped.getAsBoolean(); attempt++) {
      try {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
          log.warn("gap detector: topic {} does not exist (create it with `topics create`); its state stays in "
              + "memory only, and a restart may report gaps for seqs Kafka holds", topic);
          topic = null;
          return;
        }
        infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        break;
      } catch (TimeoutException e) {
        log.warn("gap detector cannot read the partitions of {} yet (attempt {}): {}", topic, attempt,
            e.toString());
      }
    }
    if (stopped.getAsBoolean()) {
      return;
    }
    long started = System.nanoTime();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofMinutes(5));
    List<TopicPartition> open = new ArrayList<>(partitions);
    open.removeIf(p -> consumer.position(p) >= end.get(p));
    long states = 0;
    while (!open.isEmpty() && !stopped.getAsBoolean()) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        if (record.value() == null || record.offset() >= end.get(new TopicPartition(record.topic(),
            record.partition()))) {
          continue;
        }
        try {
          tracker.restore(EventJson.mapper().readValue(record.value(), SessionState.class));
          states++;
        } catch (IOException | RuntimeException e) {
          metrics.unreadable.increment();
          log.warn("gap detector cannot read the session state at {}-{}@{}: {}", record.topic(),
              record.partition(), record.offset(), e.toString());
        }
      }
      open.removeIf(p -> consumer.position(p) >= end.get(p));
    }
    consumer.unsubscribe();
    log.info("gap detector restored {} session states ({} sessions tracked) from {} in {} ms", states,
        tracker.sessions(), topic, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * The offsets of the last {@link #write} once Kafka has acknowledged every state it sent, to be committed now;
   * empty while they are on their way, or when there is nothing to commit. When a state was not acknowledged its
   * session goes back to the tracker to be written again with its newest state, after a backoff; those offsets
   * are then covered by a later write.
   */
  Map<TopicPartition, OffsetAndMetadata> acknowledged(Instant now) {
    if (pending == null || !pending.done()) {
      return Map.of();
    }
    PendingCommit done = pending;
    pending = null;
    List<SessionState> failed = done.failed();
    if (failed.isEmpty()) {
      writeFailures = 0;
      return done.offsets();
    }
    tracker.unwritten(failed);
    writeFailures++;
    metrics.writeRetries.increment();
    Duration delay = RETRY.delayAfter(writeFailures, ThreadLocalRandom.current());
    nextCommit = now.plus(delay);
    log.warn("{} session state(s) not written to {}; offsets stay uncommitted, writing again in {}",
        failed.size(), topic, delay);
    return Map.of();
  }

  /**
   * True when a {@link #write} may start: none is on its way, and {@link #COMMIT_INTERVAL} (or the backoff after a
   * failed write) has passed.
   */
  boolean ready(Instant now) {
    return pending == null && !now.isBefore(nextCommit);
  }

  /**
   * Sends the state of every session the tracker changed since the last write, to cover {@code offsets}. Returns
   * {@code offsets} when there is nothing to wait for (no state changed, or no topic): commit them now. Otherwise
   * returns empty, and {@link #acknowledged} hands them over once Kafka has every state.
   */
  Map<TopicPartition, OffsetAndMetadata> write(Map<TopicPartition, OffsetAndMetadata> offsets, Instant now) {
    nextCommit = now.plus(COMMIT_INTERVAL);
    List<SessionState> states = tracker.changes();
    if (topic == null || states.isEmpty()) {
      return offsets;
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
    pending = new PendingCommit(offsets, states, sends);
    return Map.of();
  }

  /** Session states sent to the seq-state topic, and the offsets they cover. */
  private record PendingCommit(Map<TopicPartition, OffsetAndMetadata> offsets, List<SessionState> states,
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
