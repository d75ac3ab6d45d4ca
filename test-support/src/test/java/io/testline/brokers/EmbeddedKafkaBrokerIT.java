package io.testline.brokers;

import static io.testline.brokers.RealBrokersSmokeIT.consumer;
import static io.testline.brokers.RealBrokersSmokeIT.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.testline.brokers.junit.RealBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealBrokers.class)
class EmbeddedKafkaBrokerIT {

    @Test
    void kafka_keeps_records_across_broker_restart(KafkaBroker kafka) throws Exception {
        String topic = kafka.newTopic("restart", 1);
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "before-" + i)).get();
            }
        }

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();
        kafka.start();

        assertThat(readAll(kafka, topic, 5)).containsExactly("before-0", "before-1", "before-2", "before-3",
                "before-4");
    }

    @Test
    void idempotent_producer_delivers_records_sent_during_an_outage_after_restart(KafkaBroker kafka)
            throws Exception {
        String topic = kafka.newTopic("outage", 1);
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            producer.send(new ProducerRecord<>(topic, "k", "v-0")).get();

            kafka.stop();
            // send() blocks (up to max.block.ms) while the stopped broker cannot refresh the producer's metadata,
            // so the outage's sends run on their own thread, as a bridge's would
            CountDownLatch sending = new CountDownLatch(1);
            Future<List<Future<RecordMetadata>>> pending = sender.submit(() -> {
                sending.countDown();
                List<Future<RecordMetadata>> results = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    results.add(producer.send(new ProducerRecord<>(topic, "k", "v-" + i)));
                }
                return results;
            });
            sending.await();
            kafka.start();

            for (Future<RecordMetadata> result : pending.get(30, TimeUnit.SECONDS)) {
                result.get(30, TimeUnit.SECONDS);
            }
            producer.send(new ProducerRecord<>(topic, "k", "v-6")).get();
        } finally {
            sender.shutdownNow();
        }
        assertThat(readAll(kafka, topic, 7)).containsExactly("v-0", "v-1", "v-2", "v-3", "v-4", "v-5", "v-6");
    }

    @Test
    void kafka_with_a_supplied_data_dir_keeps_topics_across_instances(@TempDir Path dataDir) throws Exception {
        String topic = "standalone-events";
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            first.start();
            first.createTopic(topic, 1, Map.of("retention.ms", "-1"));
            try (KafkaProducer<String, String> producer = producer(first)) {
                producer.send(new ProducerRecord<>(topic, "k", "kept")).get();
            }
        }
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            second.start();
            assertThat(readAll(second, topic, 1)).containsExactly("kept");
            assertThatThrownBy(() -> second.createTopic(topic, 1, Map.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("exists already");
        }
        assertThat(dataDir.resolve("meta.properties")).exists();
    }

    private static List<String> readAll(KafkaBroker kafka, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }
}
