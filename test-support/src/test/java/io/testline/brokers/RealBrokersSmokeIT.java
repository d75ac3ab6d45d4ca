package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.testline.brokers.junit.RealBrokers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class RealBrokersSmokeIT {

    private static final List<String> databasesSeen = new ArrayList<>();

    @Test
    void kafka_delivers_produced_records_to_a_consumer(KafkaBroker kafka) throws Exception {
        String topic = kafka.newTopic("smoke", 2);
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
                return values.size() >= 10;
            });
            assertThat(values).hasSize(10).contains("value-0", "value-9");
        }
    }

    @Test
    void mqtt_delivers_a_qos1_message_to_a_subscriber(MqttBroker mqtt) throws Exception {
        String topic = "testline/v1/smoke-" + UUID.randomUUID() + "/events";
        try (MqttTestClient subscriber = MqttTestClient.connect(mqtt, "smoke-sub-" + UUID.randomUUID());
             MqttTestClient publisher = MqttTestClient.connect(mqtt, "smoke-pub-" + UUID.randomUUID())) {
            subscriber.subscribe(topic);
            publisher.publish(topic, "hello");
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.received.contains("hello"));
        }
    }

    @Test
    void database_accepts_a_table_insert_and_select(Database db) throws Exception {
        record(db);
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE run (id text PRIMARY KEY, outcome text NOT NULL)");
            statement.execute("INSERT INTO run VALUES ('r1', 'PASS')");
            try (ResultSet rows = statement.executeQuery("SELECT outcome FROM run WHERE id = 'r1'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("PASS");
            }
        }
    }

    @Test
    void each_test_gets_a_fresh_empty_database(Database db) throws Exception {
        record(db);
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
    }

    private static synchronized void record(Database db) {
        assertThat(databasesSeen).doesNotContain(db.name());
        databasesSeen.add(db.name());
    }

    static KafkaProducer<String, String> producer(KafkaBroker kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(KafkaBroker kafka) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
    }
}
