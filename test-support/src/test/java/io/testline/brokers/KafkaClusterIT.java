package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaClusterIT {

    @Test
    void a_replicated_topic_survives_kill_9_of_its_leader_and_the_node_rejoins_after_restart() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (KafkaCluster cluster = KafkaCluster.builder().brokerConfig("broker.session.timeout.ms", "3000")
                .brokerConfig("broker.heartbeat.interval.ms", "500").build()) {
            cluster.start();
            assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
            cluster.nodeIds().forEach(id -> pids.add(cluster.pid(id)));
            String topic = cluster.newTopic("cluster", 1);
            int leader = cluster.leaderOf(topic, 0).orElseThrow();

            try (KafkaProducer<String, String> producer = producer(cluster)) {
                producer.send(new ProducerRecord<>(topic, "k", "before")).get();
                long killed = cluster.pid(leader);
                cluster.kill9(leader);
                assertThat(ProcessHandle.of(killed).filter(ProcessHandle::isAlive)).isEmpty();
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leaderOf(topic, 0)
                        .filter(l -> l != leader).isPresent());
                producer.send(new ProducerRecord<>(topic, "k", "after")).get();
            }
            cluster.restart(leader);
            assertThat(ProcessHandle.of(cluster.pid(leader)).map(ProcessHandle::isAlive)).contains(true);
            assertThat(read(cluster, topic, 2)).containsExactly("before", "after");
            pids.add(cluster.pid(leader));
        }
        // close() leaves no node behind
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                .isEqualTo(Optional.empty()));
    }

    private static KafkaProducer<String, String> producer(KafkaCluster cluster) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static List<String> read(KafkaCluster cluster, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= count;
            });
        }
        return values;
    }
}
