package io.testline.consumer;

import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.config.ConfigSource;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Latency on a quiet stream (issue 26): a run that arrives alone is stored as soon as it is fetched, not when a
 * poll's timeout or a batch's size is reached.
 */
@ExtendWith(RealBrokers.class)
class QuietStreamIT {

  @Test
  void a_run_arriving_alone_on_a_quiet_stream_is_stored_at_once_not_after_the_poll_timeout(KafkaBroker kafka,
      Database db) {
    TopicNames topics = Env.topics(kafka);
    Map<String, Object> values = Env.configValues(kafka, topics, db);
    // a loop that waited out its poll (or filled a batch) before storing would miss every wait below
    values.put("kafka.pollTimeout", "1m");
    List<Run> runs = RunFixture.runs(3, 0);
    try (ResultConsumer service = ResultConsumer.start(ConsumerConfig.load(ConfigSource.of(values)));
         KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
      for (Run run : runs) {
        // the first wait includes the consumer joining its group; after each run the stream is quiet again
        Duration atMost = run.index() == 0 ? Duration.ofSeconds(40) : Duration.ofSeconds(10);
        Env.send(producer, run.events().stream().map(e -> Env.record(topics, e)).toList());
        await("run " + run.index() + " stored").atMost(atMost).pollInterval(Duration.ofMillis(50))
            .until(() -> Env.countOrZero(db, "select count(*) from runs where finished and run_id = '"
                + run.runId() + "'") == 1);
      }
    }
  }
}
