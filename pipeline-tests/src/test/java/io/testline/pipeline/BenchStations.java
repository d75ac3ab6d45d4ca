package io.testline.pipeline;

import io.testline.agent.cli.AgentRuntime;
import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.FreeSpaceProbe;
import io.testline.agent.run.AbortSignal;
import io.testline.agent.run.RunExecutor;
import io.testline.agent.run.RunReport;
import io.testline.agent.run.RunRequest;
import io.testline.config.ConfigSource;
import io.testline.schemas.ShopfloorVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stations of the pipeline benchmark, in their own JVM so that their CPU and memory are measured apart from the
 * pipeline's: N real agents (each its own journal, MQTT session, forwarder, heartbeat and verdict downlink, as
 * {@code testline-agent run --wait-verdict} has them), each running a real test program (a shell script that prints
 * and reports three steps with measurements) once every {@code period}, waiting for the shopfloor verdict like an
 * operator, then the next unit. Prints one {@code RESULT} line with the counts and latencies of the measured window.
 *
 * <p>Latencies start when the test program has exited and its run.finished is journaled: to the commit that stores
 * the run's row finished in PostgreSQL (told by a NOTIFY from the benchmark's own trigger, {@link StoredListener})
 * and to its shopfloor verdict arriving at the station. A 100 ms poll of the table checks that every run is stored;
 * its blurred figure is printed too.
 */
public final class BenchStations {
  private static final long NOTIFY_GRACE_NANOS = 5_000_000_000L;
  private static final String PROGRAM = """
      #!/bin/sh
      echo "bench unit $1: power on"
      i=0
      while [ $i -lt 20 ]; do echo "trace line $i of the bench program"; i=$((i+1)); done
      s=0
      while [ $s -lt $2 ]; do
        printf '{"type":"step","name":"S%s","measurements":[{"name":"v","value":1.0,"unit":"V","low":0.5,"high":1.5}]}\\n' $s >> "$TESTLINE_RESULTS_FILE"
        s=$((s+1))
      done
      echo "done"
      """;

  private BenchStations() {}

  /**
   * Args: mqttUri jdbcUrl dbUser dbPassword stations periodMs warmupMs measureMs workDir kafkaBootstrap eventsTopic
   * verdictsTopic stepsPerRun.
   */
  public static void main(String[] args) throws Exception {
    String mqtt = args[0];
    String jdbc = args[1];
    String user = args[2];
    String password = args[3];
    int n = Integer.parseInt(args[4]);
    long periodMs = Long.parseLong(args[5]);
    long warmupMs = Long.parseLong(args[6]);
    long measureMs = Long.parseLong(args[7]);
    Path dir = Files.createDirectories(Path.of(args[8]));
    String kafka = args[9];
    String eventsTopic = args[10];
    String verdictsTopic = args[11];
    int steps = Integer.parseInt(args[12]);
    Path program = dir.resolve("bench-program.sh");
    Files.writeString(program, PROGRAM);
    program.toFile().setExecutable(true);

    List<AgentRuntime> runtimes = new ArrayList<>();
    List<AgentConfig> configs = new ArrayList<>();
    String prefix = "B" + n + "-" + UUID.randomUUID().toString().substring(0, 4);
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      Path stationDir = Files.createDirectories(dir.resolve(id));
      Path config = Files.writeString(stationDir.resolve("agent.yaml"), """
          station:
            id: %s
            line: BENCH
          agent:
            dataDir: %s
          mqtt:
            url: %s
          journal:
            keepUntil: verdict
          run:
            verdictTimeout: 60s
          """.formatted(id, stationDir.resolve("data"), mqtt));
      AgentConfig cfg = AgentConfig.load(ConfigSource.load(config, Map.of(), AgentConfig.ENV_PREFIX));
      configs.add(cfg);
      runtimes.add(AgentRuntime.start(cfg, FreeSpaceProbe.FILE_SYSTEM, Clock.systemUTC()));
    }
    long start = System.nanoTime();
    long startMs = System.currentTimeMillis();
    KafkaStamps kafkaStamps = KafkaStamps.start(kafka, eventsTopic, verdictsTopic, startMs + warmupMs,
        startMs + warmupMs + measureMs);
    System.out.println("stations up: " + n);

    long measureFrom = start + warmupMs * 1_000_000;
    long measureTo = measureFrom + measureMs * 1_000_000;
    Map<UUID, Long> awaitingStore = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Long> storeLatencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> verdictLatencies = new ConcurrentLinkedQueue<>();
    AtomicInteger runsMeasured = new AtomicInteger();
    AtomicInteger verdictTimeouts = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicLong stored = new AtomicLong();
    Map<UUID, long[]> wallTimes = new ConcurrentHashMap<>(); // measured run → {ended, verdict at the station} epoch ms
    List<Thread> operators = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AgentRuntime runtime = runtimes.get(i);
      AgentConfig cfg = configs.get(i);
      long offset = periodMs * 1_000_000 * i / n; // stations spread evenly over the period
      Thread t = new Thread(() -> {
        long next = start + offset;
        int unit = 0;
        while (System.nanoTime() < measureTo) {
          sleepUntil(next);
          next += periodMs * 1_000_000;
          String serial = cfg.stationId() + "-SN" + (unit++);
          try {
            RunRequest request = new RunRequest(List.of(serial), null, null, null, null, 1, null, "FCT",
                "bench-program", "1", List.of("sh", program.toString(), serial, String.valueOf(steps)), dir,
                Duration.ofSeconds(30));
            RunReport report = new RunExecutor(cfg, runtime.journal(), Clock.systemUTC())
                .execute(request, new AbortSignal());
            long ended = System.nanoTime();
            long endedMs = System.currentTimeMillis();
            UUID runId = report.finished().runId();
            boolean measured = ended >= measureFrom && ended < measureTo;
            if (measured) {
              runsMeasured.incrementAndGet();
              awaitingStore.put(runId, ended);
            }
            Optional<ShopfloorVerdict> verdict = runtime.verdicts().orElseThrow()
                .await(runId, cfg.run().verdictTimeout());
            if (measured) {
              if (verdict.isPresent()) {
                verdictLatencies.add(System.nanoTime() - ended);
                wallTimes.put(runId, new long[] {endedMs, System.currentTimeMillis()});
              } else {
                verdictTimeouts.incrementAndGet();
              }
            }
          } catch (Exception e) {
            failures.incrementAndGet();
            System.err.println(cfg.stationId() + ": " + e);
          }
        }
      }, "operator-" + i);
      t.setDaemon(true);
      operators.add(t);
      t.start();
    }

    // the result database: polled for the measured runs (every run must be stored); the stored time is when the
    // consumer's transaction committed, as PostgreSQL tells the listener (NOTIFY is delivered at commit), so the
    // figure carries no polling blur. The poll's own figure is kept beside it for comparison with earlier notes.
    ConcurrentLinkedQueue<Long> polledLatencies = new ConcurrentLinkedQueue<>();
    AtomicInteger notNotified = new AtomicInteger();
    Map<UUID, Long> polledAt = new HashMap<>();
    StoredListener listener = StoredListener.start(jdbc, user, password);
    try (listener;
         Connection c = DriverManager.getConnection(jdbc, user, password);
         PreparedStatement ps = c.prepareStatement(
             "SELECT run_id FROM runs WHERE finished AND run_id = ANY(?)")) {
      long pollUntil = measureTo + 60_000_000_000L;
      while (System.nanoTime() < pollUntil && (System.nanoTime() < measureTo || !awaitingStore.isEmpty())) {
        if (!awaitingStore.isEmpty()) {
          UUID[] ids = awaitingStore.keySet().toArray(UUID[]::new);
          Array array = c.createArrayOf("uuid", ids);
          ps.setArray(1, array);
          try (ResultSet rs = ps.executeQuery()) {
            long now = System.nanoTime();
            while (rs.next()) {
              polledAt.putIfAbsent(rs.getObject(1, UUID.class), now);
            }
          }
          // the poll may see a commit before the listener's thread has taken its notification: wait for it a while
          long now = System.nanoTime();
          for (Iterator<Map.Entry<UUID, Long>> it = polledAt.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<UUID, Long> seen = it.next();
            UUID runId = seen.getKey();
            Long committed = listener.storedAt(runId);
            if (committed == null && now - seen.getValue() < NOTIFY_GRACE_NANOS) {
              continue;
            }
            Long ended = awaitingStore.remove(runId);
            it.remove();
            polledLatencies.add(seen.getValue() - ended);
            if (committed == null) {
              notNotified.incrementAndGet();
            } else {
              storeLatencies.add(Math.max(0, committed - ended));
            }
            stored.incrementAndGet();
          }
        }
        Thread.sleep(100);
      }
    }
    for (Thread t : operators) {
      t.join(90_000);
    }
    for (AgentRuntime r : runtimes) {
      r.close();
    }
    kafkaStamps.close();
    long events = kafkaStamps.eventsInWindow();
    Hops hops = Hops.of(wallTimes, kafkaStamps, listener);
    long[] store = sortedMillis(storeLatencies);
    long[] polled = sortedMillis(polledLatencies);
    long[] verdict = sortedMillis(verdictLatencies);
    System.out.printf("RESULT stations=%d runs=%d stored=%d notStored=%d notNotified=%d verdicts=%d verdictTimeouts=%d"
            + " failures=%d storeP50=%d storeP99=%d polledP50=%d polledP99=%d verdictP50=%d verdictP99=%d"
            + " eventsPerSecond=%.0f %s%n",
        n, runsMeasured.get(), stored.get(), awaitingStore.size(), notNotified.get(), verdict.length,
        verdictTimeouts.get(), failures.get(), pct(store, 50), pct(store, 99), pct(polled, 50), pct(polled, 99),
        pct(verdict, 50), pct(verdict, 99), events / (measureMs / 1000.0), hops.result());
    System.exit(0);
  }

  private static void sleepUntil(long nanos) {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static long[] sortedMillis(ConcurrentLinkedQueue<Long> nanos) {
    long[] out = nanos.stream().mapToLong(v -> v / 1_000_000).toArray();
    Arrays.sort(out);
    return out;
  }

  static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }
}
