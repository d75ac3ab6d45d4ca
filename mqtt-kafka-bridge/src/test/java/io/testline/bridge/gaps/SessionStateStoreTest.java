package io.testline.bridge.gaps;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The commit gate of the seq-state topic: a batch is committed only after Kafka has every state that covers it. */
class SessionStateStoreTest {
  private static final String TOPIC = "testline.seq-state";
  private final Instant t0 = Instant.parse("2026-11-22T06:00:00Z");
  private final GapTracker tracker = new GapTracker(Duration.ofSeconds(30));
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final GapMetrics metrics = new GapMetrics(new SimpleMeterRegistry());
  private final UUID session = Ids.newId();

  @Test
  void covers_a_batch_only_once_kafka_acknowledged_every_changed_session_state() throws Exception {
    SessionStateStore store = new SessionStateStore(producer, TOPIC, tracker, metrics);
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-1", Ids.newId(), 0, t0);
    CompletableFuture<Void> batch = store.covering();
    assertThat(store.hasUncovered()).isTrue();

    store.write(t0);
    assertThat(batch).as("states on their way: nothing to commit yet").isNotDone();
    assertThat(store.hasUncovered()).isFalse();
    assertThat(producer.history()).hasSize(2);
    assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("ST-1/" + session);
    SessionState written = EventJson.mapper().readValue(producer.history().get(0).value(), SessionState.class);
    assertThat(written.next()).isEqualTo(1);

    producer.completeNext();
    store.acknowledged(t0);
    assertThat(batch).as("one state still unacknowledged").isNotDone();
    assertThat(store.ready(t0.plusSeconds(5))).as("no second write while one is on its way").isFalse();
    producer.completeNext();
    store.acknowledged(t0);
    assertThat(batch).isCompleted();
    assertThat(store.ready(t0)).as("not before the commit interval").isFalse();
    assertThat(store.ready(t0.plus(SessionStateStore.COMMIT_INTERVAL))).isTrue();
  }

  @Test
  void a_state_kafka_did_not_acknowledge_goes_back_to_the_tracker_and_its_batch_waits_for_the_next_write() {
    SessionStateStore store = new SessionStateStore(producer, TOPIC, tracker, metrics);
    tracker.see("ST-1", session, 0, t0);
    CompletableFuture<Void> batch = store.covering();
    store.write(t0);
    assertThat(tracker.hasChanges()).isFalse();

    producer.errorNext(new NetworkException("broker down"));
    store.acknowledged(t0);
    assertThat(batch).isNotDone();
    assertThat(store.hasUncovered()).as("the batch waits for the next write").isTrue();
    assertThat(tracker.hasChanges()).as("the session is written again").isTrue();
    assertThat(metrics.writeRetries.count()).isEqualTo(1);
    assertThat(store.ready(t0)).as("after a backoff").isFalse();
    assertThat(store.ready(t0.plusSeconds(10))).isTrue();

    tracker.see("ST-1", session, 1, t0.plusSeconds(10));
    store.write(t0.plusSeconds(10));
    assertThat(batch).isNotDone();
    assertThat(producer.history()).hasSize(2);
    producer.completeNext();
    store.acknowledged(t0.plusSeconds(10));
    assertThat(batch).isCompleted();
  }

  @Test
  void covers_a_batch_at_once_when_no_state_changed_or_there_is_no_topic() {
    SessionStateStore store = new SessionStateStore(producer, TOPIC, tracker, metrics);
    CompletableFuture<Void> unchanged = store.covering();
    store.write(t0);
    assertThat(unchanged).isCompleted();

    SessionStateStore inMemory = new SessionStateStore(producer, null, tracker, metrics);
    tracker.see("ST-1", session, 0, t0);
    CompletableFuture<Void> inMemoryBatch = inMemory.covering();
    inMemory.write(t0);
    assertThat(inMemoryBatch).isCompleted();
    assertThat(producer.history()).isEmpty();
  }
}
