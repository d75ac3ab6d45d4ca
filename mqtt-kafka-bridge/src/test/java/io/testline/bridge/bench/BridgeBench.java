package io.testline.bridge.bench;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.reactivex.schedulers.Schedulers;
import io.testline.bridge.Bridge;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.TestPublisher;
import io.testline.brokers.Brokers;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.schemas.Topics;
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
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures, in one run on the same brokers (mosquitto child process, in-JVM Kafka, everything on this machine):
 * (a) a bare HiveMQ-client subscriber with manual acks, as the bridge's, (b) a bare idempotent producer with the
 * bridge's settings sending records like the bridge's, (c) the bridge end to end, MQTT publish to Kafka consumer,
 * checking zero loss, with p50/p99 latency, then the same bridge at a fixed rate (a fraction of (c)'s rate) with its
 * MQTT receipt to PUBACK p50/p99/max, (a) and (b) again at (c)'s rate (the per-message costs of batching and thread
 * wake-ups depend on the rate), and (d) an Apache Camel route {@code paho-mqtt5 (manualAcksEnabled) -> kafka} doing
 * the same job. Each part is warmed up first with a tenth of the messages (at most 10,000), not measured.
 *
 * <p>Besides rates it prints the CPU per message of each part's own threads (thread CPU time, by thread name): the
 * floor is (a) + (b), what the libraries the bridge cannot avoid cost; the bridge's own threads are its MQTT client,
 * forward workers and producer I/O; Camel's are Paho's, Camel's and its producer's. The publisher runs on a Netty
 * thread of its own, the broker, the verifying consumer, JIT and GC are nobody's.
 *
 * <p>Run (the module README has the command): {@code java -cp <test class path>
 * io.testline.bridge.bench.BridgeBench [n] [camelN]}; {@code -Dbench.fixed.seconds=20} (0 skips the fixed-rate
 * phase), {@code -Dbench.fixed.fraction=0.5}, {@code -Dbench.bridge.<key>=<value>} sets a bridge config key.
 */
public final class BridgeBench {
  private static final int PAYLOAD_TARGET = 1024;
  private static final String CPU_MQTT_CLIENT = "com.hivemq.client.mqtt";
  private static final Predicate<String> MQTT_CLIENT_THREADS = g -> g.startsWith(CPU_MQTT_CLIENT);
  private static final Predicate<String> PRODUCER_FLOOR_THREADS =
      g -> g.equals("bench-floor-send") || g.endsWith("| bench-floor-producer");
  private static final Predicate<String> BRIDGE_THREADS = g -> g.startsWith(CPU_MQTT_CLIENT)
      || g.startsWith("bridge-") || g.startsWith("kafka-producer-network-thread | testline-bridge-");
  private static final Predicate<String> CAMEL_THREADS = g -> g.startsWith("MQTT ") || g.startsWith("Camel")
      || g.startsWith("kafka-producer-network-thread | ");

  private BridgeBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int camelN = args.length > 1 ? Integer.parseInt(args[1]) : n;
    int warm = Math.min(10_000, n / 10);
    int fixedSeconds = Integer.getInteger("bench.fixed.seconds", 20);
    double fixedFraction = Double.parseDouble(System.getProperty("bench.fixed.fraction", "0.5"));
    Brokers brokers = Brokers.fromEnvironment();
    try (MqttBroker mqtt = brokers.mqtt(); KafkaBroker kafka = brokers.kafka()) {
      System.out.println("MQTT broker: " + mqtt.description());
      List<String[]> rows = new ArrayList<>();
      rawMqtt(mqtt, warm, 0);
      Result a = rawMqtt(mqtt, n, 0);
      rows.add(a.row("(a) floor MQTT: HiveMQ subscriber, manual ack"));
      BridgeFixture floorTopics = new BridgeFixture(kafka, mqtt, "bench-floor");
      rawKafka(floorTopics, warm, 0);
      Result b = rawKafka(floorTopics, n, 0);
      rows.add(b.row("(b) floor Kafka: idempotent producer, bridge's records"));
      Result[] bridge = bridge(kafka, mqtt, n, warm, fixedSeconds, fixedFraction);
      Result c = bridge[0];
      rows.add(c.row("(c) bridge e2e: MQTT pub -> bridge -> Kafka consumer"));
      if (bridge[1] != null) {
        rows.add(bridge[1].row(String.format("(c') bridge at %.0f msg/s for %d s", bridge[1].rate, fixedSeconds)));
      }
      // the floor again at the bridge's own rate: batches, wake-ups and reads per message depend on the rate
      Result aPaced = rawMqtt(mqtt, n, c.rate);
      rows.add(aPaced.row("(a@c) floor MQTT at (c)'s rate"));
      Result bPaced = rawKafka(floorTopics, n, c.rate);
      rows.add(bPaced.row("(b@c) floor Kafka at (c)'s rate"));
      Result d = camel(kafka, mqtt, camelN, warm);
      rows.add(d.row("(d) Camel paho-mqtt5(manualAcks) -> kafka e2e"));
      System.out.printf("%n%-58s %9s %10s %9s %9s %8s %11s%n", "measurement", "messages", "msg/s", "p50 ms", "p99 ms",
          "lost", "own us/msg");
      for (String[] row : rows) {
        System.out.printf("%-58s %9s %10s %9s %9s %8s %11s%n", (Object[]) row);
      }
      double floor = a.ownUs + b.ownUs;
      double pacedFloor = aPaced.ownUs + bPaced.ownUs;
      System.out.printf("%nfloor (a+b) %.1f us/msg   bridge own %.1f   Camel own %.1f   bridge/floor %.2f"
              + "   bridge/Camel %.2f   c/d %.2f   c/a %.2f   (payload ~%d bytes)%n", floor, c.ownUs, d.ownUs,
          c.ownUs / floor, c.ownUs / d.ownUs, c.rate / d.rate, c.rate / a.rate, PAYLOAD_TARGET);
      System.out.printf("floor at (c)'s rate (a@c + b@c) %.1f us/msg   bridge/that floor %.2f%n", pacedFloor,
          c.ownUs / pacedFloor);
      if (bridge[1] != null) {
        System.out.printf("fixed rate %.0f msg/s: MQTT receipt -> PUBACK %s; bridge own %.1f us/msg%n",
            bridge[1].rate, bridge[1].ack, bridge[1].ownUs);
      }
    }
  }

  record Result(int messages, double rate, double p50Ms, double p99Ms, long lost, double ownUs, String ack) {
    Result(int messages, double rate, double p50Ms, double p99Ms, long lost, double ownUs) {
      this(messages, rate, p50Ms, p99Ms, lost, ownUs, "");
    }

    Result withAck(String ackLatency) {
      return new Result(messages, rate, p50Ms, p99Ms, lost, ownUs, ackLatency);
    }

    String[] row(String name) {
      return new String[] {name, Integer.toString(messages), String.format("%,.0f", rate),
          Double.isNaN(p50Ms) ? "-" : String.format("%.1f", p50Ms),
          Double.isNaN(p99Ms) ? "-" : String.format("%.1f", p99Ms), Long.toString(lost),
          String.format("%.1f", ownUs)};
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

  /** (a): the bridge's MQTT client set up as the bridge sets it up, doing nothing but acknowledge. */
  private static Result rawMqtt(MqttBroker mqtt, int n, double ratePerSecond) throws Exception {
    CountDownLatch done = new CountDownLatch(n);
    Mqtt5AsyncClient sub = Mqtt5Client.builder().identifier("bench-floor-sub").serverHost(mqtt.host())
        .serverPort(mqtt.port())
        .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
        .buildAsync();
    sub.publishes(MqttGlobalPublishFilter.ALL, p -> {
      p.acknowledge();
      done.countDown();
    }, true);
    sub.connectWith().cleanStart(true).restrictions().receiveMaximum(65_535).applyRestrictions().send().get();
    sub.subscribeWith().topicFilter("$share/bench-floor/testline/v1/+/+").qos(MqttQos.AT_LEAST_ONCE).send().get();
    byte[] payload = event("RAW", UUID.randomUUID(), 0, UUID.randomUUID());
    try (TestPublisher pub = new TestPublisher(mqtt.host(), mqtt.port(), "bench-floor-pub", 1000)) {
      ThreadCpu cpu = ThreadCpu.start();
      long start = System.nanoTime();
      Pacer pacer = new Pacer(ratePerSecond);
      for (int i = 0; i < n; i++) {
        pacer.awaitSlot(i);
        pub.publish(Topics.mqttTopic("RAW-" + (i % 20), Topics.Kind.EVENTS), payload);
      }
      boolean complete = done.await(5, TimeUnit.MINUTES);
      double secs = (System.nanoTime() - start) / 1e9;
      cpu.stop();
      System.out.println(cpu.describe(label("(a)", n, ratePerSecond), MQTT_CLIENT_THREADS, n));
      sub.disconnect().get();
      return new Result(n, n / secs, Double.NaN, Double.NaN, complete ? 0 : done.getCount(),
          cpu.usPerMessage(MQTT_CLIENT_THREADS, n));
    }
  }

  /**
   * (b): a producer with the bridge's own properties sending, from one thread, records like the bridge's (key, the
   * four headers, the station's bytes), built before the clock starts.
   */
  private static Result rawKafka(BridgeFixture fixture, int n, double ratePerSecond) throws Exception {
    String topic = fixture.topics().events();
    Map<String, Object> props = new HashMap<>(KafkaClientProps.producer(fixture.config("floor"), "floor"));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-floor-producer");
    byte[] payload = event("RAW", UUID.randomUUID(), 0, UUID.randomUUID());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(Topics.HEADER_MQTT_TOPIC, Topics.mqttTopic("RAW-" + (i % 20), Topics.Kind.EVENTS)
          .getBytes(StandardCharsets.UTF_8));
      headers.add(Topics.HEADER_RECEIVED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
      headers.add(Topics.HEADER_BRIDGE, "bench-floor".getBytes(StandardCharsets.UTF_8));
      headers.add(Topics.HEADER_SCHEMA, "testline.run.step/1".getBytes(StandardCharsets.UTF_8));
      records.add(new ProducerRecord<>(topic, null, ("SN-" + (i % 1000)).getBytes(StandardCharsets.UTF_8), payload,
          headers));
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.partitionsFor(topic);
      CountDownLatch done = new CountDownLatch(n);
      AtomicLong failed = new AtomicLong();
      CountDownLatch measured = new CountDownLatch(1);
      Pacer pacer = new Pacer(ratePerSecond);
      Thread sender = new Thread(() -> {
        for (int i = 0; i < n; i++) {
          pacer.awaitSlot(i);
          producer.send(records.get(i), (m, e) -> {
            if (e != null) {
              failed.incrementAndGet();
            }
            done.countDown();
          });
        }
        try {
          // a thread's CPU time is gone once it ends
          measured.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-floor-send");
      ThreadCpu cpu = ThreadCpu.start();
      long start = System.nanoTime();
      sender.start();
      done.await(5, TimeUnit.MINUTES);
      double secs = (System.nanoTime() - start) / 1e9;
      cpu.stop();
      measured.countDown();
      sender.join();
      System.out.println(cpu.describe(label("(b)", n, ratePerSecond), PRODUCER_FLOOR_THREADS, n));
      return new Result(n, n / secs, Double.NaN, Double.NaN, failed.get() + done.getCount(),
          cpu.usPerMessage(PRODUCER_FLOOR_THREADS, n));
    }
  }

  /** (c) at full speed and, unless {@code fixedSeconds} is 0, (c') at a fixed rate on the same, warm bridge. */
  private static Result[] bridge(KafkaBroker kafka, MqttBroker mqtt, int n, int warm, int fixedSeconds,
      double fixedFraction) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "bench");
    Map<String, String> overrides = new HashMap<>(Map.of("gaps.enabled", "false", "downlink.enabled", "false",
        "mqtt.sessionExpiry", "1s"));
    // -Dbench.bridge.<key>=<value> sets any bridge config key, e.g. -Dbench.bridge.forward.workers=3
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.bridge."))
        .forEach(k -> overrides.put(k.substring("bench.bridge.".length()), System.getProperty(k)));
    try (Bridge bridge = new Bridge(fixture.config("bench", overrides))) {
      bridge.start();
      String topic = fixture.topics().events();
      endToEnd(kafka, mqtt, topic, warm, "BR", 0, BRIDGE_THREADS);
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
      bridge.metrics().ackLatencies().interval();
      Result full = endToEnd(kafka, mqtt, topic, n, "BR", 0, BRIDGE_THREADS);
      sampler.shutdownNow();
      System.out.printf("bridge: in flight mean %d max %d; MQTT receipt -> PUBACK %s%n",
          sumInFlight.get() / Math.max(1, samples.get()), maxInFlight.get(),
          describe(bridge.metrics().ackLatencies().interval()));
      Result fixed = null;
      if (fixedSeconds > 0) {
        double rate = full.rate * fixedFraction;
        int messages = (int) (rate * fixedSeconds);
        fixed = endToEnd(kafka, mqtt, topic, messages, "BR", rate, BRIDGE_THREADS);
        fixed = fixed.withAck(describe(bridge.metrics().ackLatencies().interval()));
        System.out.printf("bridge at %.0f msg/s: MQTT receipt -> PUBACK %s%n", rate, fixed.ack);
      }
      return new Result[] {full, fixed};
    }
  }

  private static String label(String part, int n, double ratePerSecond) {
    return ratePerSecond > 0 ? String.format("%s n=%d at %.0f msg/s", part, n, ratePerSecond) : part + " n=" + n;
  }

  private static String describe(Histogram latencies) {
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d messages)",
        latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6,
        latencies.getMaxValue() / 1e6, latencies.getTotalCount());
  }

  private static Result camel(KafkaBroker kafka, MqttBroker mqtt, int n, int warm) throws Exception {
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
      endToEnd(kafka, mqtt, topic, warm, "CA", 0, CAMEL_THREADS);
      return endToEnd(kafka, mqtt, topic, n, "CA", 0, CAMEL_THREADS);
    } finally {
      camel.stop();
    }
  }

  /**
   * Publishes n events, as fast as the publisher's window allows or, if {@code ratePerSecond} is above 0, on a
   * fixed schedule, and reads them back from {@code topic}: rate from first publish to last read, latencies.
   */
  private static Result endToEnd(KafkaBroker kafka, MqttBroker mqtt, String topic, int n, String stationPrefix,
      double ratePerSecond, Predicate<String> own) throws Exception {
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
      Pacer pacer = new Pacer(ratePerSecond);
      Thread publisher = new Thread(() -> {
        try {
          for (int i = 0; i < n; i++) {
            pacer.awaitSlot(i);
            publishedAt.put(ids[i], System.nanoTime());
            pub.publish(topics[i], payloads[i]);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-publisher");
      ThreadCpu cpu = ThreadCpu.start();
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
      cpu.stop();
      System.out.println(cpu.describe(stationPrefix + " n=" + n, own, Math.max(1, received)));
      System.out.printf("%s: child processes (mosquitto) CPU %.1f us/msg%n", stationPrefix,
          (childProcessCpuNanos() - brokerCpuBefore) / 1e3 / Math.max(1, received));
      double secs = (last - start) / 1e9;
      long[] seen = Arrays.copyOf(latencies, received);
      Arrays.sort(seen);
      double p50 = seen.length == 0 ? Double.NaN : seen[(int) (seen.length * 0.50)] / 1e6;
      double p99 = seen.length == 0 ? Double.NaN : seen[Math.min(seen.length - 1, (int) (seen.length * 0.99))] / 1e6;
      return new Result(n, received / secs, p50, p99, n - received, cpu.usPerMessage(own, Math.max(1, received)));
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

  /** CPU time of this JVM's child processes, i.e. the mosquitto broker when it runs as one. */
  private static long childProcessCpuNanos() {
    return ProcessHandle.current().children()
        .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }
}
