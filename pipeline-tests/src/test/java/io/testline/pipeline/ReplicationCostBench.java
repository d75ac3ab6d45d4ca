package io.testline.pipeline;

import io.testline.brokers.KafkaCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The cost of replication on a three-node cluster (separate JVMs, {@link KafkaCluster}): 1 KB records produced with
 * {@code acks=all} and the idempotent producer (the bridge's settings) to a topic with replication factor 1 and to one
 * with replication factor 3 and min ISR 2, alternating, in the same run, so that the ratio holds on a shared machine.
 * Prints records/s for each and the ratio.
 *
 * <p>Run from pipeline-tests (after {@code mvn install -DskipTests}): {@code java -cp "target/test-classes:
 * target/classes:$(cat target/bench.classpath)" io.testline.pipeline.ReplicationCostBench [records] [rounds]}, with
 * the class path made as {@code bench.sh} makes it.
 */
public final class ReplicationCostBench {
  private static final int PARTITIONS = 6;

  private ReplicationCostBench() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] value = new byte[1024];
    try (KafkaCluster cluster = KafkaCluster.builder().nodes(3).build()) {
      cluster.start();
      Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.LINGER_MS_CONFIG, 5);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("rf1", PARTITIONS, (short) 1),
            new NewTopic("rf3", PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get();
      }
      List<Double> rf1 = new ArrayList<>();
      List<Double> rf3 = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
          new ByteArraySerializer())) {
        produce(producer, "rf1", records / 5, value); // warm-up of both
        produce(producer, "rf3", records / 5, value);
        for (int r = 0; r < rounds; r++) {
          rf1.add(produce(producer, "rf1", records, value));
          rf3.add(produce(producer, "rf3", records, value));
          System.out.printf("round %d: RF 1 %.0f rec/s, RF 3 %.0f rec/s%n", r + 1, rf1.get(r), rf3.get(r));
        }
      }
      double one = rf1.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double three = rf3.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      System.out.printf("RESULT 1 KB acks=all, %d records x %d rounds: RF 1 %.0f rec/s, RF 3 (min ISR 2) %.0f rec/s,"
          + " RF 3 / RF 1 = %.2f%n", records, rounds, one, three, three / one);
    }
  }

  /** Sends {@code n} records and waits for every acknowledgement; returns records per second. */
  private static double produce(KafkaProducer<byte[], byte[]> producer, String topic, int n, byte[] value)
      throws Exception {
    long start = System.nanoTime();
    Future<RecordMetadata> last = null;
    for (int i = 0; i < n; i++) {
      last = producer.send(new ProducerRecord<>(topic, String.valueOf(i).getBytes(), value));
    }
    producer.flush();
    last.get();
    return n / ((System.nanoTime() - start) / 1e9);
  }
}
