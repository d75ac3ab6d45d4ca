package io.testline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.retry.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class ConsumerLoopIT {
  private static final RetryPolicy FAST = RetryPolicy.forever(Duration.ofMillis(50), Duration.ofMillis(200));

  @Test
  void commits_exactly_what_the_handler_returned_from(KafkaBroker kafka) throws Exception {
    KafkaClientProperties props = new KafkaClientProperties(kafka.bootstrapServers(), "loop-it", Map.of(),
        "kafka.client");
    String topic = kafka.newTopic("loop-commit", 3);
    String group = topic + "-group";
    produce(props, topic, 300);
    List<String> seen = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (ConsumerLoop loop = ConsumerLoop.builder("commit", new KafkaConsumer<>(props.consumer("loop", group)),
        List.of(topic)).handler(records -> records.forEach(r -> seen.add(value(r)))).retry(FAST)
        .pollTimeout(Duration.ofMillis(100)).registry(registry).build()) {
      loop.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 300);
      await().atMost(Duration.ofSeconds(30)).until(() -> committed(props, topic, group) == 300);
    }

    assertThat(seen).hasSize(300).doesNotHaveDuplicates();
    assertThat(registry.get("testline.kafka.loop.records").tag("loop", "commit").counter().count()).isEqualTo(300);
  }

  @Test
  void a_failing_batch_is_rewound_and_handled_again_nothing_skipped_nothing_committed_before(KafkaBroker kafka)
      throws Exception {
    KafkaClientProperties props = new KafkaClientProperties(kafka.bootstrapServers(), "loop-it", Map.of(),
        "kafka.client");
    String topic = kafka.newTopic("loop-rewind", 2);
    String group = topic + "-group";
    produce(props, topic, 200);
    AtomicInteger failuresLeft = new AtomicInteger(3);
    Map<String, Integer> handledTimes = new ConcurrentHashMap<>();
    Map<Integer, List<Long>> offsetsByPartition = new ConcurrentHashMap<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (ConsumerLoop loop = ConsumerLoop.builder("rewind", new KafkaConsumer<>(props.consumer("loop", group)),
        List.of(topic)).handler(records -> {
          if (failuresLeft.getAndDecrement() > 0) {
            assertThat(committed(props, topic, group)).as("nothing committed while failing").isZero();
            throw new IllegalStateException("database down");
          }
          for (ConsumerRecord<byte[], byte[]> r : records) {
            handledTimes.merge(value(r), 1, Integer::sum);
            offsetsByPartition.computeIfAbsent(r.partition(), p -> new CopyOnWriteArrayList<>()).add(r.offset());
          }
        }).retry(FAST).pollTimeout(Duration.ofMillis(100)).registry(registry).build()) {
      loop.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> handledTimes.size() >= 200);
      await().atMost(Duration.ofSeconds(30)).until(() -> committed(props, topic, group) == 200);
    }

    assertThat(handledTimes).hasSize(200).allSatisfy((value, times) -> assertThat(times).isEqualTo(1));
    offsetsByPartition.forEach((partition, offsets) -> {
      List<Long> expected = new ArrayList<>();
      for (long o = 0; o < offsets.size(); o++) {
        expected.add(o);
      }
      assertThat(offsets).as("partition %d handled in order from 0 without a gap", partition).isEqualTo(expected);
    });
    assertThat(registry.get("testline.kafka.loop.retries").tag("loop", "rewind").counter().count()).isEqualTo(3);
  }

  @Test
  void close_stops_the_thread_and_a_second_close_does_nothing(KafkaBroker kafka) {
    KafkaClientProperties props = new KafkaClientProperties(kafka.bootstrapServers(), "loop-it", Map.of(),
        "kafka.client");
    String topic = kafka.newTopic("loop-close", 1);
    ConsumerLoop loop = ConsumerLoop.builder("close", new KafkaConsumer<>(props.consumer("loop", topic + "-group")),
        List.of(topic)).handler(records -> { }).retry(FAST).pollTimeout(Duration.ofMillis(100)).build();
    loop.start();
    await().atMost(Duration.ofSeconds(10)).until(loop::isRunning);

    loop.close();
    loop.close();

    assertThat(loop.isRunning()).isFalse();
  }

  static void produce(KafkaClientProperties props, String topic, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props.producer("test"))) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, ("k" + (i % 7)).getBytes(StandardCharsets.UTF_8),
            ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }

  static long committed(KafkaClientProperties props, String topic, String group) throws Exception {
    try (Admin admin = Admin.create(props.admin("check"))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long sum = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          sum += e.getValue().offset();
        }
      }
      return sum;
    }
  }

  static String value(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }
}
