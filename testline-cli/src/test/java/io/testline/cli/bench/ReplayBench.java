package io.testline.cli.bench;

import io.testline.brokers.EmbeddedKafkaBroker;
import io.testline.cli.events.EventFilter;
import io.testline.cli.replay.ReplayFormat;
import io.testline.cli.replay.Replay;
import io.testline.schemas.Topics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Not a test: how close replay (TopicWindow, JSONL export, no filter) comes to a bare KafkaConsumer reading the same
 * 1,000,000 records of ~300 bytes from a 3-partition topic of an embedded broker. Prints records/s of both and the
 * ratio, and the process CPU time of each. {@code java -cp ... io.testline.cli.bench.ReplayBench [records]}
 */
public final class ReplayBench {
  private static final String TOPIC = "bench.events";

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("replay-bench-");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build()) {
      kafka.start();
      kafka.createTopic(TOPIC, 3, Map.of());
      Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      Instant from = Instant.now().minusSeconds(1);
      long t0 = System.nanoTime();
      produce(client, records);
      System.out.printf("produced %,d records in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
      Instant to = Instant.now().plusSeconds(1);

      t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      long raw = rawRead(client);
      double rawRate = raw / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("raw consumer: %,d records, %,.0f records/s%n", raw, rawRate);
      System.out.printf("raw consumer: process CPU %.2f s%n", (processCpuNanos() - cpu0) / 1e9);

      Path out = dir.resolve("replay.jsonl");
      t0 = System.nanoTime();
      cpu0 = processCpuNanos();
      Replay.Result result = new Replay(client, new PrintStream(System.err), Clock.systemUTC()).run(
          new Replay.Request(from, to, List.of(TOPIC), EventFilter.ALL, ReplayFormat.JSONL, out, null));
      double replayRate = result.written() / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("replay to jsonl: %,d records (%,d MB), %,.0f records/s%n", result.written(),
          Files.size(out) >> 20, replayRate);
      System.out.printf("replay to jsonl: process CPU %.2f s%n", (processCpuNanos() - cpu0) / 1e9);
      System.out.printf("ratio replay/raw: %.0f%%%n", 100 * replayRate / rawRate);
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * CPU time of the whole JVM (broker included): on a shared machine the rates move with other people's load, the
   * CPU a phase costs much less.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void produce(Map<String, Object> client, int records) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    byte[] receivedAt = Instant.now().toString().getBytes(StandardCharsets.UTF_8);
    String session = UUID.randomUUID().toString();
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        String serial = "SN2611-" + String.format("%06d", i % 5000);
        String json = "{\"schema\":\"testline.run.step/1\",\"eventId\":\"" + UUID.randomUUID()
            + "\",\"stationId\":\"FCT-L1-" + (i % 40) + "\",\"agentSession\":\"" + session + "\",\"seq\":" + i
            + ",\"occurredAt\":\"2026-12-03T06:00:00.000Z\",\"data\":{\"runId\":\"" + UUID.randomUUID()
            + "\",\"serialNumber\":\"" + serial + "\",\"name\":\"3V3 rail\",\"path\":\"Power/Rails/3V3\","
            + "\"outcome\":\"PASS\"}}";
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TOPIC, serial.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_RECEIVED_AT, receivedAt);
        producer.send(r);
      }
    }
  }

  private static long rawRead(Map<String, Object> client) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
          .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      long count = 0;
      long bytes = 0;
      while (count < total) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          count++;
          bytes += r.value().length;
        }
      }
      System.out.printf("raw consumer read %,d MB of values%n", bytes >> 20);
      return count;
    }
  }
}
