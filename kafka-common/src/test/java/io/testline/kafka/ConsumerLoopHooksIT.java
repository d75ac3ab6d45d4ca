package io.testline.kafka;

import static io.testline.kafka.ConsumerLoopIT.committed;
import static io.testline.kafka.ConsumerLoopIT.produce;
import static io.testline.kafka.ConsumerLoopIT.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The loop's hooks beyond a plain handler: pipelined stages, several in flight, afterPoll, restore, fatal errors. */
@ExtendWith(RealBrokers.class)
class ConsumerLoopHooksIT {
  private static final RetryPolicy FAST = RetryPolicy.forever(Duration.ofMillis(50), Duration.ofMillis(200));
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void a_pipelined_batch_is_committed_once_its_stage_completes_and_the_next_is_prepared_but_not_started_meanwhile(
      KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-pipelined", 1);
    produce(props, topic, 2);
    List<String> prepared = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();

    try (ConsumerLoop loop = ConsumerLoop.builder("pipelined", oneRecordPolls(props, topic), List.of(topic))
        .pipelined(records -> {
          records.forEach(r -> prepared.add(value(r)));
          return () -> {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.add(stage);
            return stage;
          };
        }).retry(FAST).pollTimeout(Duration.ofMillis(50)).build()) {
      loop.start();
      await().atMost(WAIT).until(() -> prepared.size() == 2);
      assertThat(stages).as("one batch in flight").hasSize(1);
      assertThat(committed(props, topic, group(topic))).as("nothing committed before the stage completes").isZero();

      stages.get(0).complete(null);
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 1 && stages.size() == 2);
      stages.get(1).complete(null);
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 2);
    }
    assertThat(prepared).containsExactly("v0", "v1");
  }

  @Test
  void with_several_in_flight_the_offsets_are_committed_in_order_only_once_every_earlier_stage_completed(
      KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-inflight", 1);
    produce(props, topic, 3);
    List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();

    try (ConsumerLoop loop = ConsumerLoop.builder("inflight", oneRecordPolls(props, topic), List.of(topic))
        .pipelined(records -> () -> {
          CompletableFuture<Void> stage = new CompletableFuture<>();
          stages.add(stage);
          return stage;
        }).maxInFlight(10).drainTimeout(Duration.ZERO).retry(FAST).pollTimeout(Duration.ofMillis(50)).build()) {
      loop.start();
      await().atMost(WAIT).until(() -> stages.size() == 3);
      stages.get(2).complete(null);
      stages.get(1).complete(null);
      await().during(Duration.ofMillis(500)).atMost(WAIT)
          .until(() -> committed(props, topic, group(topic)) == 0);

      stages.get(0).complete(null);
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 3);
    }
  }

  @Test
  void a_failed_stage_is_rewound_with_the_batch_prepared_behind_it_and_both_are_handled_again(KafkaBroker kafka)
      throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-fail", 1);
    produce(props, topic, 2);
    List<String> stored = new CopyOnWriteArrayList<>();
    AtomicBoolean failedOnce = new AtomicBoolean();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (ConsumerLoop loop = ConsumerLoop.builder("fail", oneRecordPolls(props, topic), List.of(topic))
        .pipelined(records -> {
          String v = value(records.iterator().next());
          return () -> CompletableFuture.runAsync(() -> {
            if (v.equals("v0") && failedOnce.compareAndSet(false, true)) {
              throw new IllegalStateException("database down");
            }
            stored.add(v);
          }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
        }).retry(FAST).pollTimeout(Duration.ofMillis(50)).registry(registry).build()) {
      loop.start();
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 2);
    }
    assertThat(stored).containsExactly("v0", "v1");
    assertThat(registry.get("testline.kafka.loop.retries").tag("loop", "fail").counter().count()).isEqualTo(1);
  }

  @Test
  void close_commits_the_batch_in_flight_once_its_stage_completes(KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-drain", 1);
    produce(props, topic, 1);
    AtomicInteger started = new AtomicInteger();

    ConsumerLoop loop = ConsumerLoop.builder("drain", oneRecordPolls(props, topic), List.of(topic))
        .pipelined(records -> () -> {
          started.incrementAndGet();
          return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
        }).retry(FAST).pollTimeout(Duration.ofMillis(50)).build();
    loop.start();
    await().atMost(WAIT).until(() -> started.get() == 1);
    loop.close();

    assertThat(committed(props, topic, group(topic))).isEqualTo(1);
  }

  @Test
  void with_async_commits_the_handled_offsets_reach_kafka_all_the_same(KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-async", 2);
    produce(props, topic, 20);

    try (ConsumerLoop loop = ConsumerLoop.builder("async", oneRecordPolls(props, topic), List.of(topic))
        .handler(records -> { }).commitAsync().pollTimeout(Duration.ofMillis(50)).build()) {
      loop.start();
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 20);
    }
  }

  @Test
  void after_poll_runs_after_every_poll_even_when_nothing_arrives(KafkaBroker kafka) {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-idle", 1);
    AtomicInteger ticks = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();

    try (ConsumerLoop loop = ConsumerLoop.builder("idle", oneRecordPolls(props, topic), List.of(topic))
        .handler(records -> handled.incrementAndGet()).afterPoll(ticks::incrementAndGet)
        .pollTimeout(Duration.ofMillis(20)).build()) {
      loop.start();
      await().atMost(WAIT).until(() -> ticks.get() >= 10);
    }
    assertThat(handled).hasValue(0);
  }

  @Test
  void a_restore_topic_is_read_whole_before_the_first_batch_is_handled(KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-events", 1);
    String state = kafka.newTopic("hooks-state", 2);
    produce(props, state, 30);
    produce(props, topic, 5);
    List<String> restored = new CopyOnWriteArrayList<>();
    AtomicLong restoredCount = new AtomicLong(-1);
    List<Integer> restoredWhenHandled = new CopyOnWriteArrayList<>();

    try (ConsumerLoop loop = ConsumerLoop.builder("restore", oneRecordPolls(props, topic), List.of(topic))
        .restoreFirst(state, new RestoreListener() {
          @Override
          public void restore(ConsumerRecord<byte[], byte[]> record) {
            restored.add(value(record));
          }

          @Override
          public void restored(boolean exists, long records) {
            assertThat(exists).isTrue();
            restoredCount.set(records);
          }
        }).handler(records -> restoredWhenHandled.add(restored.size())).pollTimeout(Duration.ofMillis(50))
        .build()) {
      loop.start();
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 5);
    }
    assertThat(restored).hasSize(30).doesNotHaveDuplicates();
    assertThat(restoredCount).hasValue(30);
    assertThat(restoredWhenHandled).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(30));
    assertThat(committed(props, state, group(topic))).as("the restore commits nothing").isZero();
  }

  @Test
  void a_missing_restore_topic_is_reported_absent_and_the_loop_goes_on(KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-absent", 1);
    produce(props, topic, 3);
    AtomicBoolean absent = new AtomicBoolean();

    try (ConsumerLoop loop = ConsumerLoop.builder("absent", oneRecordPolls(props, topic), List.of(topic))
        .restoreFirst(topic + "-no-such-state", new RestoreListener() {
          @Override
          public void restore(ConsumerRecord<byte[], byte[]> record) {
            throw new AssertionError("nothing to restore");
          }

          @Override
          public void restored(boolean exists, long records) {
            absent.set(!exists && records == 0);
          }
        }).handler(records -> { }).pollTimeout(Duration.ofMillis(50)).build()) {
      loop.start();
      await().atMost(WAIT).until(() -> committed(props, topic, group(topic)) == 3);
    }
    assertThat(absent).isTrue();
  }

  @Test
  void a_failure_that_is_not_retried_ends_the_loop_with_it_and_commits_nothing(KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = props(kafka);
    String topic = kafka.newTopic("hooks-fatal", 1);
    produce(props, topic, 1);
    IllegalArgumentException fatal = new IllegalArgumentException("schema migration failed");

    try (ConsumerLoop loop = ConsumerLoop.builder("fatal", oneRecordPolls(props, topic), List.of(topic))
        .handler(records -> {
          throw fatal;
        }).retryOn(e -> !(e instanceof IllegalArgumentException)).pollTimeout(Duration.ofMillis(50)).build()) {
      loop.start();
      assertThat(loop.awaitTermination(WAIT)).isTrue();
      assertThat(loop.failure()).isSameAs(fatal);
    }
    assertThat(committed(props, topic, group(topic))).isZero();
  }

  private static KafkaClientProperties props(KafkaBroker kafka) {
    return new KafkaClientProperties(kafka.bootstrapServers(), "hooks-it", Map.of(), "kafka.client");
  }

  private static KafkaConsumer<byte[], byte[]> oneRecordPolls(KafkaClientProperties props, String topic) {
    return new KafkaConsumer<>(props.consumer("loop", group(topic),
        Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)));
  }

  private static String group(String topic) {
    return topic + "-group";
  }
}
