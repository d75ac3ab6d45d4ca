package io.testline.bridge.bench;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.reactivex.schedulers.Schedulers;
import io.testline.bridge.Bridge;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.TestPublisher;
import io.testline.brokers.Brokers;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures, in one run on the same brokers (mosquitto child process, in-JVM Kafka, everything on this machine):
 * (a) raw MQTT QoS 1 publish to subscribe with the HiveMQ client and manual acks, (b) raw Kafka produce with acks=all,
 * (c) the bridge end to end, MQTT publish to Kafka consumer, checking zero loss, with p50/p99 latency, and (d) an
 * Apache Camel route {@code paho-mqtt5 (manualAcksEnabled) -> kafka} doing the same job. Prints a table with c/a and
 * c/d. Run: {@code mvn -pl mqtt-kafka-bridge test-compile exec:java} is not wired; use the class path, e.g.
 * {@code java -cp "$(cat cp.txt):target/classes:target/test-classes" io.testline.bridge.bench.BridgeBench [n]}.
 */
public final class BridgeBench {
  private static final int PAYLOAD_TARGET = 1024;

  private BridgeBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int camelN = args.length > 1 ? Integer.parseInt(args[1]) : n;
    Brokers brokers = Brokers.fromEnvironment();
    try (MqttBroker mqtt = brokers.mqtt(); KafkaBroker kafka = brokers.kafka()) {
      System.out.println("MQTT broker: " + mqtt.description());
      List<String[]> rows = new ArrayList<>();
      Result a = rawMqtt(mqtt, n);
      rows.add(a.row("(a) raw MQTT QoS1 pub->sub (HiveMQ client, manual ack)"));
      Result b = rawKafka(kafka, n);
      rows.add(b.row("(b) raw Kafka produce, acks=all, idempotent"));
      Result c = bridge(kafka, mqtt, n);
      rows.add(c.row("(c) bridge e2e: MQTT pub -> bridge -> Kafka consumer"));
      Result d = camel(kafka, mqtt, camelN);
      rows.add(d.row("(d) Camel paho-mqtt5(manualAcks) -> kafka e2e"));
      System.out.printf("%n%-58s %9s %10s %9s %9s %8s%n", "measurement", "messages", "msg/s", "p50 ms", "p99 ms",
          "lost");
      for (String[] row : rows) {
        System.out.printf("%-58s %9s %10s %9s %9s %8s%n", (Object[]) row);
      }
      System.out.printf("%nc/a = %.2f   c/d = %.2f   (payload ~%d bytes, 2 cores, all co-located)%n",
          c.rate / a.rate, c.rate / d.rate, PAYLOAD_TARGET);
    }
  }

  record Result(int messages, double rate, double p50Ms, double p99Ms, long lost) {
    String[] row(String name) {
      return new String[] {name, Integer.toString(messages), String.format("%,.0f", rate),
          Double.isNaN(p50Ms) ? "-" : String.format("%.1f", p50Ms),
          Double.isNaN(p99Ms) ? "-" : String.format("%.1f", p99Ms), Long.toString(lost)};
    }
  }

  /** A valid run.step of about 1 KB: the padding is the step's error message. */
  static byte[] event(String station, UUID session, long seq, UUID eventId) {
    String head = "{\"schema\":\"testline.run.step/1\",\"eventId\":\"" + eventId + "\",\"stationId\":\"" + station
        + "\",\"agentSession\":\"" + session + "\",\"seq\":" + seq + ",\"occurredAt\":\"" + Instant.now()
        + "\",\"data\":{\"runId\":\"" + session + "\",\"serialNumber\":\"SN-" + (seq % 1000)
        + "\",\"step\":{\"name\":\"step\",\"outcome\":\"FAIL\",\"errorMessage\":\"";
    String tail = "\"}}}";
    int pad = Math.max(0, PAYLOAD_TARGET - head.length() - tail.length());
    return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
  }

  private static Result rawMqtt(MqttBroker mqtt, int n) throws Exception {
    CountDownLatch done = new CountDownLatch(n);
    Mqtt5AsyncClient sub = Mqtt5Client.builder().identifier("bench-raw-sub").serverHost(mqtt.host())
        .serverPort(mqtt.port())
        // as the bridge: callbacks on the event loop, so raw stays the client's best case
        .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
        .buildAsync();
    sub.publishes(MqttGlobalPublishFilter.ALL, p -> {
      p.acknowledge();
      done.countDown();
    }, true);
    sub.connectWith().cleanStart(true).send().get();
    sub.subscribeWith().topicFilter("bench/raw/#").qos(MqttQos.AT_LEAST_ONCE).send().get();
    byte[] payload = event("RAW", UUID.randomUUID(), 0, UUID.randomUUID());
    try (TestPublisher pub = new TestPublisher(mqtt.host(), mqtt.port(), "bench-raw-pub", 1000)) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        pub.publish("bench/raw/" + (i % 20), payload);
      }
      boolean complete = done.await(5, TimeUnit.MINUTES);
      double secs = (System.nanoTime() - start) / 1e9;
      sub.disconnect().get();
      return new Result(n, n / secs, Double.NaN, Double.NaN, complete ? 0 : done.getCount());
    }
  }

  private static Result rawKafka(KafkaBroker kafka, int n) throws Exception {
    String topic = kafka.newTopic("bench-raw", 3);
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    byte[] payload = event("RAW", UUID.randomUUID(), 0, UUID.randomUUID());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.partitionsFor(topic);
      CountDownLatch done = new CountDownLatch(n);
      AtomicLong failed = new AtomicLong();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, ("k" + (i % 500)).getBytes(StandardCharsets.UTF_8), payload),
            (m, e) -> {
              if (e != null) {
                failed.incrementAndGet();
              }
              done.countDown();
            });
      }
      done.await(5, TimeUnit.MINUTES);
      double secs = (System.nanoTime() - start) / 1e9;
      return new Result(n, n / secs, Double.NaN, Double.NaN, failed.get());
    }
  }

  private static Result bridge(KafkaBroker kafka, MqttBroker mqtt, int n) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "bench");
    Map<String, String> overrides = new HashMap<>(Map.of("gaps.enabled", "false", "downlink.enabled", "false",
        "mqtt.sessionExpiry", "1s"));
    // -Dbench.bridge.<key>=<value> sets any bridge config key, e.g. -Dbench.bridge.forward.workers=3
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.bridge."))
        .forEach(k -> overrides.put(k.substring("bench.bridge.".length()), System.getProperty(k)));
    try (Bridge bridge = new Bridge(fixture.config("bench", overrides))) {
      bridge.start();
      AtomicLong maxInFlight = new AtomicLong();
      AtomicLong sumInFlight = new AtomicLong();
      AtomicLong samples = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> {
        int now = bridge.metrics().inFlight();
        maxInFlight.accumulateAndGet(now, Math::max);
        sumInFlight.addAndGet(now);
        samples.incrementAndGet();
      }, 0, 50, TimeUnit.MILLISECONDS);
      Result result = endToEnd(kafka, mqtt, fixture.topics().events(), n, "BR");
      sampler.shutdownNow();
      var ack = bridge.metrics().registry().get("testline.bridge.ack.latency").timer().takeSnapshot();
      System.out.printf("bridge: in flight mean %d max %d; MQTT receipt -> PUBACK %s%n",
          sumInFlight.get() / Math.max(1, samples.get()), maxInFlight.get(), Arrays.toString(ack.percentileValues()));
      return result;
    }
  }

  private static Result camel(KafkaBroker kafka, MqttBroker mqtt, int n) throws Exception {
    String topic = kafka.newTopic("bench-camel", 3);
    DefaultCamelContext camel = new DefaultCamelContext();
    camel.addRoutes(new RouteBuilder() {
      @Override
      public void configure() {
        from("paho-mqtt5:testline/v1/+/events?brokerUrl=" + mqtt.serverUri()
            + "&clientId=bench-camel&qos=1&manualAcksEnabled=true&cleanStart=true")
            .to("kafka:" + topic + "?brokers=" + kafka.bootstrapServers()
                // the bridge's producer settings, where Camel exposes them
                + "&requestRequiredAcks=all&enableIdempotence=true&maxInFlightRequest=5&lingerMs=5"
                + "&producerBatchSize=" + (256 * 1024)
                + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer");
      }
    });
    camel.start();
    try {
      return endToEnd(kafka, mqtt, topic, n, "CA");
    } finally {
      camel.stop();
    }
  }

  /** Publishes n events and reads them back from {@code topic}: rate from first publish to last read, latencies. */
  private static Result endToEnd(KafkaBroker kafka, MqttBroker mqtt, String topic, int n, String stationPrefix)
      throws Exception {
    Map<String, Long> publishedAt = new ConcurrentHashMap<>();
    long[] latencies = new long[n];
    int received = 0;
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        TestPublisher pub = new TestPublisher(mqtt.host(), mqtt.port(), "bench-pub-" + stationPrefix, 1000)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      // Built before the clock starts: the load generator shares the 2 cores with what it measures, and what it
      // costs is the same for (c) and (d), so it only blurs the comparison.
      UUID session = UUID.randomUUID();
      String[] topics = new String[n];
      String[] ids = new String[n];
      byte[][] payloads = new byte[n][];
      for (int i = 0; i < n; i++) {
        String station = stationPrefix + "-" + (i % 20);
        UUID id = UUID.randomUUID();
        topics[i] = Topics.mqttTopic(station, Topics.Kind.EVENTS);
        ids[i] = id.toString();
        payloads[i] = event(station, session, i / 20, id);
      }
      Thread publisher = new Thread(() -> {
        try {
          for (int i = 0; i < n; i++) {
            publishedAt.put(ids[i], System.nanoTime());
            pub.publish(topics[i], payloads[i]);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-publisher");
      Map<String, Long> cpuBefore = threadCpuByGroup();
      long brokerCpuBefore = childProcessCpuNanos();
      long start = System.nanoTime();
      publisher.start();
      long deadline = start + TimeUnit.MINUTES.toNanos(5);
      long last = start;
      while (received < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          Long sentAt = publishedAt.remove(eventIdOf(r.value()));
          if (sentAt != null && received < n) {
            latencies[received++] = now - sentAt;
            last = now;
          }
        }
      }
      publisher.join();
      printCpuPerMessage(stationPrefix, cpuBefore, threadCpuByGroup(), received);
      System.out.printf("%s: child processes (mosquitto) CPU %.1f us/msg%n", stationPrefix,
          (childProcessCpuNanos() - brokerCpuBefore) / 1e3 / Math.max(1, received));
      double secs = (last - start) / 1e9;
      long[] seen = Arrays.copyOf(latencies, received);
      Arrays.sort(seen);
      double p50 = seen.length == 0 ? Double.NaN : seen[(int) (seen.length * 0.50)] / 1e6;
      double p99 = seen.length == 0 ? Double.NaN : seen[Math.min(seen.length - 1, (int) (seen.length * 0.99))] / 1e6;
      return new Result(n, received / secs, p50, p99, n - received);
    }
  }

  private static final byte[] EVENT_ID_FIELD = "\"eventId\":\"".getBytes(StandardCharsets.UTF_8);

  /** The eventId of a bench event, found in the bytes without decoding the whole value. */
  private static String eventIdOf(byte[] value) {
    outer:
    for (int i = 0; i + EVENT_ID_FIELD.length + 36 <= value.length; i++) {
      for (int j = 0; j < EVENT_ID_FIELD.length; j++) {
        if (value[i + j] != EVENT_ID_FIELD[j]) {
          continue outer;
        }
      }
      return new String(value, i + EVENT_ID_FIELD.length, 36, StandardCharsets.ISO_8859_1);
    }
    return "";
  }

  /**
   * CPU time of this JVM's threads, summed by thread name with digits blanked: what each part costs per message
   * does not depend on how busy the rest of the machine is, unlike a rate.
   */
  private static Map<String, Long> threadCpuByGroup() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        byGroup.merge(info.getThreadName().replaceAll("[0-9a-f]{8,}|[0-9]+", "#"), cpu, Long::sum);
      }
    }
    return byGroup;
  }

  /** CPU time of this JVM's child processes, i.e. the mosquitto broker when it runs as one. */
  private static long childProcessCpuNanos() {
    return ProcessHandle.current().children()
        .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }

  private static void printCpuPerMessage(String label, Map<String, Long> before, Map<String, Long> after,
      int messages) {
    Map<String, Long> spent = new HashMap<>();
    after.forEach((group, cpu) -> {
      long delta = cpu - before.getOrDefault(group, 0L);
      if (delta > 0) {
        spent.put(group, delta);
      }
    });
    long total = spent.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder line = new StringBuilder(String.format("%s: JVM CPU %.1f us/msg (threads alive at the end):",
        label, total / 1e3 / Math.max(1, messages)));
    spent.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
        .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 1e3 / Math.max(1, messages))));
    System.out.println(line);
  }
}
