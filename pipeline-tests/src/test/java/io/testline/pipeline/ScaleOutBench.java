package io.testline.pipeline;

import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.UnitUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The scaling benchmark of the whole line: synthetic stations publish complete runs (run.started, {@code steps}
 * run.step, run.finished; valid events, contiguous seqs) to mosquitto as fast as QoS 1 lets them, through 1, 2 and
 * then 3 bridge instances sharing the MQTT subscription, Kafka (a three-node cluster, every topic replication factor 3
 * / min ISR 2, then the same cluster with replication factor 1), one result-consumer into PostgreSQL and one
 * shopfloor-bridge to the simulator. Per configuration it prints the publish rate, the end-to-end rate (first publish to
 * the last run stored finished) and the verdict rate (to the last verdict stored), then the ratios against one bridge
 * on the same replication, and RF 3 against RF 1 at each bridge count. Every figure of one run comes from the same
 * machine minutes apart; {@code uptime} is printed before and after.
 *
 * <p>Run: {@code mvn install -DskipTests && BENCH=ScaleOutBench pipeline-tests/bench.sh [runs] [steps]} (1000 runs
 * of 20 steps by default, each configuration after a warm-up of a fifth of that).
 */
public final class ScaleOutBench {
  private static final int STATIONS = 50;
  private static final int PUBLISHERS = 4;
  private static final int WINDOW = 256;
  private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private ScaleOutBench() {}

  /** One configuration's figures. */
  record Result(int replication, int bridges, int runs, int events, double publishPerSecond, double eventsPerSecond,
      double runsPerSecond, double verdictsPerSecond) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    System.out.println("load before: " + uptime());
    Path dir = Files.createTempDirectory("testline-scale-");
    List<Result> results = new ArrayList<>();
    for (int replication : new int[] {3, 1}) {
      Map<String, Object> bridge = new LinkedHashMap<>();
      // a stopped bridge's session ends 1 s after it left, so the broker stops routing the share's messages to it
      bridge.put("mqtt.sessionExpiry", "1s");
      bridge.put("topics.replicationFactor", replication);
      bridge.put("topics.minInsyncReplicas", Math.min(2, replication));
      Pipeline.Options options = new Pipeline.Options(io.testline.brokers.MosquittoBroker.builder(),
          io.testline.brokers.EmbeddedKafkaBroker.builder(), Map.of(), bridge, Map.of(), Map.of());
      try (Pipeline pipeline = new Pipeline(dir.resolve("rf" + replication), options,
          new Pipeline.Topology(3, 3, 1, 1))) {
        pipeline.bridges().get(2).close();
        pipeline.bridges().get(1).close();
        Thread.sleep(3_000); // their sessions expire (1 s) and leave the share group
        for (int bridges = 1; bridges <= 3; bridges++) {
          if (bridges > 1) {
            ServiceJvm added = pipeline.bridges().get(bridges - 1);
            added.start();
            added.awaitReady(180_000);
          }
          measure(pipeline, "w" + replication + bridges, Math.max(10, runs / 5), steps); // warm-up
          Result r = measure(pipeline, "m" + replication + bridges, runs, steps);
          results.add(new Result(replication, bridges, r.runs(), r.events(), r.publishPerSecond(),
              r.eventsPerSecond(), r.runsPerSecond(), r.verdictsPerSecond()));
          System.out.printf("RF %d, %d bridge(s): published %.0f events/s; stored %.0f events/s (%.1f runs/s);"
                  + " verdicts %.1f runs/s; load %s%n", replication, bridges, r.publishPerSecond(),
              r.eventsPerSecond(), r.runsPerSecond(), r.verdictsPerSecond(), uptime());
        }
      }
    }
    System.out.println(report(results, runs, steps));
    System.out.println("load after: " + uptime());
    System.exit(0);
  }

  /** Publishes {@code runs} runs from {@link #STATIONS} stations and waits until each is stored with its verdict. */
  private static Result measure(Pipeline pipeline, String tag, int runs, int steps) throws Exception {
    String prefix = "SC-" + tag + "-" + UUID.randomUUID().toString().substring(0, 4) + "-";
    List<List<byte[]>> perPublisher = new ArrayList<>();
    List<List<String>> topics = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      perPublisher.add(new ArrayList<>());
      topics.add(new ArrayList<>());
    }
    long[] seqs = new long[STATIONS];
    UUID[] sessions = new UUID[STATIONS];
    for (int s = 0; s < STATIONS; s++) {
      sessions[s] = Ids.newId();
    }
    for (int run = 0; run < runs; run++) {
      int s = run % STATIONS;
      String station = prefix + s;
      int p = s % PUBLISHERS;
      for (Event<?> e : runEvents(station, sessions[s], seqs, s, steps, run)) {
        perPublisher.get(p).add(EventJson.toBytes(e));
        topics.get(p).add("testline/v1/" + station + "/events");
      }
    }
    int events = perPublisher.stream().mapToInt(List::size).sum();

    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      int index = p;
      Thread t = new Thread(() -> {
        try {
          publish(pipeline.mqttUri(), "scale-" + tag + "-" + index, topics.get(index), perPublisher.get(index));
        } catch (Exception e) {
          failures.add(e);
        }
      }, "scale-publisher-" + p);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    long published = System.nanoTime();
    long stored = -1;
    long verdicted = -1;
    try (Connection c = LineAudit.connect(pipeline);
         PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM runs WHERE station_id LIKE ? AND"
             + " finished), (SELECT count(*) FROM verdicts v JOIN runs r USING (run_id) WHERE r.station_id LIKE ?)")) {
      ps.setString(1, prefix + "%");
      ps.setString(2, prefix + "%");
      while (verdicted < 0 && System.nanoTime() - start < TIMEOUT_NANOS) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long now = System.nanoTime();
          if (stored < 0 && rs.getLong(1) >= runs) {
            stored = now;
          }
          if (stored >= 0 && rs.getLong(2) >= runs) {
            verdicted = now;
          }
        }
        Thread.sleep(100);
      }
    }
    if (verdicted < 0) {
      throw new IllegalStateException(tag + ": not every run stored with a verdict within 10 min");
    }
    return new Result(0, 0, runs, events, events / seconds(published - start), events / seconds(stored - start),
        runs / seconds(stored - start), runs / seconds(verdicted - start));
  }

  private static List<Event<?>> runEvents(String station, UUID session, long[] seqs, int s, int steps, int run) {
    UUID runId = Ids.newId();
    String serial = station + "-SN" + run;
    Instant t = Instant.now();
    List<UnitUnderTest> units = List.of(UnitUnderTest.of(serial));
    Program program = new Program("scale.sh", "1", null);
    List<Event<?>> out = new ArrayList<>();
    out.add(Event.of(station, session, seqs[s]++, t, new RunStarted(runId, serial, units, "PCB-100", "C", program,
        "op1", "WO-1", 1, "FCT", "FCT")));
    for (int i = 0; i < steps; i++) {
      out.add(Event.of(station, session, seqs[s]++, t, new RunStep(runId, serial, new Step("step " + i,
          "Bench/step " + i, i, t, t, StepOutcome.PASS, null, null, null, null))));
    }
    out.add(Event.of(station, session, seqs[s]++, t, new RunFinished(runId, serial, units, "PCB-100", "C", program,
        "op1", "WO-1", 1, "FCT", "FCT", t, t.plusMillis(10), 10, RunOutcome.PASS, 0, null, null, null, null, null,
        new Counts(steps, steps, 0, 0L, 0L, 0L, 0L), null, List.of())));
    return out;
  }

  /** QoS 1, at most {@link #WINDOW} unacknowledged at a time, in order; returns once the broker acknowledged all. */
  private static void publish(String uri, String clientId, List<String> topics, List<byte[]> payloads)
      throws Exception {
    MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    client.connect(options).waitForCompletion(30_000);
    Semaphore window = new Semaphore(WINDOW);
    List<Throwable> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    MqttActionListener release = new MqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        window.release();
      }

      @Override
      public void onFailure(IMqttToken token, Throwable e) {
        failed.add(e);
        window.release();
      }
    };
    try {
      for (int i = 0; i < payloads.size(); i++) {
        window.acquire();
        MqttMessage message = new MqttMessage(payloads.get(i));
        message.setQos(1);
        client.publish(topics.get(i), message, null, release);
      }
      window.acquire(WINDOW);
      if (!failed.isEmpty()) {
        throw new IllegalStateException(clientId + ": " + failed.size() + " publishes failed", failed.get(0));
      }
    } finally {
      client.disconnect().waitForCompletion(10_000);
      client.close();
    }
  }

  private static String report(List<Result> results, int runs, int steps) {
    StringBuilder md = new StringBuilder(String.format("%n=== scale-out benchmark: %d runs of %d steps (%d events"
        + " each) from %d stations per configuration%n%n", runs, steps, steps + 2, STATIONS));
    md.append("| replication | bridges | published events/s | stored events/s | runs/s stored | runs/s verdicted |"
        + " vs 1 bridge (stored) | RF 3 / RF 1 (stored) |\n|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      Result one = find(results, r.replication(), 1);
      Result rf1 = find(results, 1, r.bridges());
      md.append(String.format("| %d | %d | %.0f | %.0f | %.1f | %.1f | %.2f | %s |%n", r.replication(), r.bridges(),
          r.publishPerSecond(), r.eventsPerSecond(), r.runsPerSecond(), r.verdictsPerSecond(),
          r.eventsPerSecond() / one.eventsPerSecond(), r.replication() == 3 && rf1 != null
              ? String.format("%.2f", r.eventsPerSecond() / rf1.eventsPerSecond()) : "-"));
    }
    return md.toString();
  }

  private static Result find(List<Result> results, int replication, int bridges) {
    return results.stream().filter(r -> r.replication() == replication && r.bridges() == bridges).findFirst()
        .orElse(null);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "(no /proc/loadavg)";
    }
  }
}
