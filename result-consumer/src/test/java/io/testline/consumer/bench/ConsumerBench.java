package io.testline.consumer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.testline.brokers.Brokers;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.PostgresServer;
import io.testline.consumer.ResultConsumer;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.TopicNames;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Persisted events per second against the raw batched-insert rate of the same PostgreSQL, measured in the same
 * run (before and after the consumer; the faster counts), from the start and in steady state (first stored batch
 * to last), and the Kafka-to-committed latency at a steady rate. Embedded Kafka and PostgreSQL; run it once:
 * <pre>mvn -pl result-consumer test-compile exec:java ... or java -cp (test classpath) ...ConsumerBench [runs]</pre>
 */
public final class ConsumerBench {
  private static final int BATCH = 2000;

  public static void main(String[] args) throws Exception {
    int runCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Brokers brokers = Brokers.fromEnvironment();
    try (KafkaBroker kafka = brokers.kafka(); PostgresServer postgres = brokers.postgres()) {
      List<Run> runs = RunFixture.runs(runCount, 0);
      List<Event<?>> events = new ArrayList<>();
      for (Run r : runs) {
        events.addAll(r.events());
        events.addAll(r.logs());
        events.add(r.verdict());
      }
      // the machine is shared: the baseline is measured before and after the consumer, and the consumer is compared
      // with the faster of the two, so a slow spell during one baseline cannot flatter the ratio
      double before = rawInsertRate(postgres.newDatabase("bench_raw"), events);
      System.out.printf("baseline before: raw batched INSERT of %d event rows (uuid + jsonb, %d per batch+commit):"
          + " %.0f rows/s%n", events.size(), BATCH, before);

      Database db = postgres.newDatabase("bench_consumer");
      TopicNames topics = Env.topics(kafka);
      try (KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        events.forEach(e -> records.add(Env.record(topics, e)));
        Env.send(producer, records);
      }
      System.out.printf("consumer starting at %s%n", java.time.LocalTime.now());
      long started = System.nanoTime();
      long lastStored;
      long firstStored;
      long firstBatch;
      double insideTransactions;
      long batchCount;
      String rows;
      try (ResultConsumer service = ResultConsumer.start(Env.config(kafka, topics, db))) {
        Counter stored = service.registry().find("testline.consumer.events").tag("result", "stored").counter();
        // the counter moves after each database commit; polling it in memory every few ms does not load the database
        // the way polling processed_events would, and times the first and the last stored batch to a few ms
        awaitStored(stored, 1, Duration.ofMinutes(5));
        firstStored = System.nanoTime();
        firstBatch = (long) stored.count();
        awaitStored(stored, events.size(), Duration.ofMinutes(10));
        lastStored = System.nanoTime();
        Env.awaitProcessed(db, events.size(), Duration.ofMinutes(1));
        rows = rowsWritten(service);
        Timer batches = service.registry().find("testline.consumer.batch.latency").timer();
        batchCount = batches.count();
        insideTransactions = batches.totalTime(TimeUnit.SECONDS);
      }
      double after = rawInsertRate(postgres.newDatabase("bench_raw_after"), events);
      System.out.printf("baseline after: %.0f rows/s%n", after);
      double baseline = Math.max(before, after);
      System.out.printf("baseline (the faster of the two): %.0f rows/s%n", baseline);
      double seconds = (lastStored - started) / 1e9;
      double rate = events.size() / seconds;
      double startup = (firstStored - started) / 1e9;
      double steadySeconds = (lastStored - firstStored) / 1e9;
      double steadyRate = (events.size() - firstBatch) / steadySeconds;
      System.out.printf("consumer: %d events (%d runs: started, 2 steps, finished, log, verdict)%n", events.size(),
          runCount);
      System.out.printf("  start to last event stored: %.1f s = %.0f events/s = %.0f%% of the raw insert rate%n",
          seconds, rate, 100 * rate / baseline);
      System.out.printf("  start-up (start to first batch stored: pool, Flyway, group join, first poll): %.1f s%n",
          startup);
      System.out.printf("  steady state (first batch stored to last, %d events after the first batch of %d): %.1f s"
          + " = %.0f events/s = %.0f%% of the raw insert rate%n", events.size() - firstBatch, firstBatch,
          steadySeconds, steadyRate, 100 * steadyRate / baseline);
      System.out.printf("  rows written: %s%n", rows);
      System.out.printf("  %d batches, %.1f s inside database transactions%n", batchCount, insideTransactions);

      Database latencyDb = postgres.newDatabase("bench_latency");
      TopicNames latencyTopics = Env.topics(kafka);
      try (ResultConsumer service = ResultConsumer.start(Env.config(kafka, latencyTopics, latencyDb))) {
        latency(kafka, latencyTopics, latencyDb, service, 0);
      }
    }
  }

  /** Events at a steady 2,000/s for 15 s while the consumer keeps up: p50/p99 of record time to offset commit. */
  private static void latency(KafkaBroker kafka, TopicNames topics, Database db, ResultConsumer service, long already)
      throws Exception {
    Timer timer = service.registry().find("testline.consumer.commit.latency").timer();
    List<Run> runs = RunFixture.runs(5_000 + 1, 0);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (Run r : runs.subList(0, 5_000)) {
      // fresh ids, so these are new events rather than duplicates of the throughput phase
      for (Event<?> e : r.events()) {
        records.add(Env.record(topics, Event.of(e.stationId(), e.agentSession(), e.seq(), e.occurredAt(), e.data())));
      }
    }
    await(service);
    double before = timer.count();
    int perSecond = 2_000;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(latencyProducer(kafka))) {
      for (int i = 0; i < records.size(); i++) {
        long due = t0 + TimeUnit.SECONDS.toNanos(1) * i / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        producer.send(records.get(i));
      }
      producer.flush();
    }
    Env.awaitProcessed(db, already + records.size(), Duration.ofMinutes(5));
    Timer fresh = service.registry().find("testline.consumer.commit.latency").timer();
    System.out.printf("latency at %d events/s (%d events, %d recorded): ", perSecond, records.size(),
        (long) (fresh.count() - before));
    for (ValueAtPercentile p : fresh.takeSnapshot().percentileValues()) {
      System.out.printf("p%.0f %.1f ms  ", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS));
    }
    System.out.println("(record timestamp to offset commit after the database commit)");
  }

  /** Waits until the consumer has joined its group, so the first samples do not include the join. */
  private static void await(ResultConsumer service) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
        service.registry().find("testline.consumer.lag").gauge() != null
            && service.registry().find("testline.consumer.batch.latency").timer().count() >= 0
            && service.registry().getMeters().stream().anyMatch(m -> m.getId().getName().startsWith("kafka.consumer")
                && m.getId().getName().contains("assigned")));
  }

  private static void awaitStored(Counter stored, long expected, Duration atMost) {
    org.awaitility.Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
        .until(() -> stored.count() >= expected);
  }

  private static Properties latencyProducer(KafkaBroker kafka) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    p.put("linger.ms", "1");
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return p;
  }

  private static String rowsWritten(ResultConsumer service) {
    StringBuilder sb = new StringBuilder();
    service.registry().find("testline.consumer.rows.written").counters().forEach(c ->
        sb.append(c.getId().getTag("table")).append('=').append((long) c.count()).append(' '));
    return sb.toString().trim();
  }

  /** One row per event (id and JSON document), batches of {@value #BATCH} with one commit each. */
  private static double rawInsertRate(Database db, List<Event<?>> events) throws Exception {
    List<String> docs = new ArrayList<>(events.size());
    for (Event<?> e : events) {
      docs.add(new String(EventJson.toBytes(e), StandardCharsets.UTF_8));
    }
    try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl() + "?reWriteBatchedInserts=true",
        db.user(), db.password())) {
      try (Statement s = c.createStatement()) {
        s.execute("create table raw_events (event_id uuid primary key, doc jsonb not null)");
      }
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(
          "insert into raw_events (event_id, doc) values (?, ?::jsonb) on conflict do nothing")) {
        for (int i = 0; i < docs.size(); i++) {
          ps.setObject(1, UUID.randomUUID());
          ps.setString(2, docs.get(i));
          ps.addBatch();
          if ((i + 1) % BATCH == 0 || i == docs.size() - 1) {
            ps.executeBatch();
            c.commit();
          }
        }
      }
      return docs.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }
}
