package io.testline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class DeadLetterIT {

  @Test
  void dead_letters_records_that_can_never_be_stored_and_stores_the_rest(KafkaBroker kafka, Database db) {
    TopicNames topics = Env.topics(kafka);
    List<Run> runs = RunFixture.runs(20, 0);
    Run bad = runs.get(3);
    Step step = ((RunStep) bad.events().get(1).data()).step();
    Step twin = new Step(step.name(), step.path(), 0, step.startedAt(), step.endedAt(), step.outcome(), null, null,
        null, null);
    RunFinished f = (RunFinished) bad.events().get(3).data();
    // two steps with the same index break the steps table's key: a permanent database error for this record only
    RunFinished broken = new RunFinished(f.runId(), f.serialNumber(), f.units(), f.partNumber(), f.partRevision(),
        f.program(), f.operator(), f.workOrder(), f.attempt(), f.testMethod(), f.operation(), f.startedAt(),
        f.endedAt(), f.durationMs(), f.outcome(), f.exitCode(), f.signal(), f.coreDumped(), f.errorCode(),
        f.errorMessage(), f.failingStep(), f.counts(), f.log(), List.of(step, twin));
    Event<?> brokenEvent = Event.of(bad.station(), bad.events().get(3).agentSession(), 9, f.endedAt(), broken);
    Event<?> noIndex = Event.of(bad.station(), bad.events().get(3).agentSession(), 10, f.endedAt(),
        new RunStep(bad.runId(), bad.serial(), new Step("x", null, null, null, null, step.outcome(), null, null,
            null, null)));

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (Run run : runs) {
      if (run == bad) {
        records.add(Env.record(topics, brokenEvent));
        records.add(Env.record(topics, noIndex));
        records.add(new ProducerRecord<>(topics.events(), "SN-X".getBytes(StandardCharsets.UTF_8),
            "{not json".getBytes(StandardCharsets.UTF_8)));
      }
      run.events().forEach(e -> records.add(Env.record(topics, e)));
    }
    try (ResultConsumer service = ResultConsumer.start(Env.config(kafka, topics, db));
         KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
      Env.send(producer, records);
      Env.awaitProcessed(db, 20L * 4, Duration.ofSeconds(60));

      List<ConsumerRecord<byte[], byte[]>> dead = readAll(kafka, topics.deadLetter(), 3);
      assertThat(dead).hasSize(3);
      for (ConsumerRecord<byte[], byte[]> d : dead) {
        assertThat(header(d, Topics.HEADER_DLQ_REASON)).isEqualTo("PERMANENT_ERROR");
        assertThat(header(d, Topics.HEADER_DLQ_SOURCE_TOPIC)).isEqualTo(topics.events());
        assertThat(header(d, Topics.HEADER_DLQ_SOURCE_PARTITION)).isNotBlank();
        assertThat(header(d, Topics.HEADER_DLQ_SOURCE_OFFSET)).isNotBlank();
        assertThat(header(d, Topics.HEADER_DLQ_DETAIL)).isNotBlank();
      }
      assertThat(dead.stream().map(d -> new String(d.value(), StandardCharsets.UTF_8)))
          .contains("{not json");
      // the good run after the bad records, and the bad run's own good events, are stored
      assertThat(Env.count(db, "select count(*) from runs where finished")).isEqualTo(20);
      assertThat(Env.count(db, "select count(*) from steps")).isEqualTo(40);
      assertThat(service.registry().find("testline.consumer.events").tag("result", "dead_lettered").counter().count())
          .isEqualTo(3);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaBroker kafka, String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + topic,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        return out.size() >= expected;
      });
    }
    return out;
  }
}
