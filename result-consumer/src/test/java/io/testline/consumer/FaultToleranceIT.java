package io.testline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.PostgresServer;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real faults: PostgreSQL stopped mid-stream, the consumer process killed with SIGKILL mid-batch. */
@ExtendWith(RealBrokers.class)
class FaultToleranceIT {

  @Test
  void loses_nothing_while_postgres_is_down_for_30_seconds(KafkaBroker kafka, PostgresServer postgres, Database db) {
    TopicNames topics = Env.topics(kafka);
    List<Run> runs = RunFixture.runs(1_000, 0);
    List<ProducerRecord<byte[], byte[]>> first = records(topics, runs.subList(0, 500));
    List<ProducerRecord<byte[], byte[]>> second = records(topics, runs.subList(500, 1_000));
    try (ResultConsumer service = ResultConsumer.start(Env.config(kafka, topics, db));
         KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
      Env.send(producer, first);
      Env.awaitProcessed(db, first.size(), Duration.ofSeconds(60));

      postgres.stop();
      Env.send(producer, second);
      Env.send(producer, second);
      // the consumer keeps failing to store, backs off and stays alive for the whole outage
      await().atMost(Duration.ofSeconds(20)).until(() ->
          service.registry().find("testline.consumer.errors").tag("kind", "transient").counter().count() > 0);
      await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).until(() -> service.failure() == null);
      postgres.start();

      Env.awaitProcessed(db, first.size() + second.size(), Duration.ofSeconds(90));
      assertExactly(db, runs, first.size() + second.size());
      assertThat(service.registry().find("testline.consumer.events").tag("result", "dead_lettered").counter().count())
          .isZero();
    }
  }

  @Test
  void loses_and_doubles_nothing_when_the_consumer_is_killed_mid_batch(KafkaBroker kafka, Database db,
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    TopicNames topics = Env.topics(kafka);
    List<Run> runs = RunFixture.runs(2_000, 0);
    List<ProducerRecord<byte[], byte[]>> records = records(topics, runs);
    Path config = dir.resolve("consumer.yaml");
    Map<String, Object> values = Env.configValues(kafka, topics, db);
    values.put("http.port", "-1");
    values.put("kafka.maxPollRecords", "500");
    Files.writeString(config, values.entrySet().stream().map(e -> e.getKey() + ": \"" + e.getValue() + "\"")
        .sorted().collect(Collectors.joining("\n", "", "\n")));
    try (KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
      Env.send(producer, records);
      Env.send(producer, records);
    }
    int total = records.size();

    Process consumer = startConsumer(config, dir.resolve("consumer-1.log"));
    long afterFirstKill;
    try {
      Env.awaitProcessed(db, total / 4, Duration.ofSeconds(90));
      consumer.destroyForcibly().waitFor();
      afterFirstKill = Env.count(db, "select count(*) from processed_events");

      consumer = startConsumer(config, dir.resolve("consumer-2.log"));
      Env.awaitProcessed(db, Math.min(total, afterFirstKill + total / 4), Duration.ofSeconds(90));
      consumer.destroyForcibly().waitFor();

      consumer = startConsumer(config, dir.resolve("consumer-3.log"));
      Env.awaitProcessed(db, total, Duration.ofSeconds(90));
      assertExactly(db, runs, total);
    } finally {
      consumer.destroyForcibly().waitFor();
    }
    assertThat(afterFirstKill).isLessThan(total);
  }

  /** The consumer as a user runs it: its own JVM, the CLI's main class, a config file. */
  private static Process startConsumer(Path config, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.testline.consumer.cli.Main", "run", "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static List<ProducerRecord<byte[], byte[]>> records(TopicNames topics, List<Run> runs) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (Run run : runs) {
      for (Event<?> e : run.events()) {
        out.add(Env.record(topics, e));
      }
      for (Event<?> e : run.logs()) {
        out.add(Env.record(topics, e));
      }
      out.add(Env.record(topics, run.verdict()));
    }
    return out;
  }

  private static void assertExactly(Database db, List<Run> runs, long events) {
    long chunks = runs.stream().mapToLong(r -> r.logs().size()).sum();
    assertThat(Env.count(db, "select count(*) from processed_events")).isEqualTo(events);
    assertThat(Env.count(db, "select count(*) from runs where finished")).isEqualTo(runs.size());
    assertThat(Env.count(db, "select count(*) from steps")).isEqualTo(2L * runs.size());
    assertThat(Env.count(db, "select count(*) from measurements")).isEqualTo(2L * runs.size());
    assertThat(Env.count(db, "select count(*) from log_chunks")).isEqualTo(chunks);
    assertThat(Env.count(db, "select count(*) from verdicts")).isEqualTo(runs.size());
  }
}
