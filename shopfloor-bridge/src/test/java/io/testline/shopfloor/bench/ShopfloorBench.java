package io.testline.shopfloor.bench;

import io.testline.brokers.Brokers;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.PostgresServer;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.shopfloor.TestRuns;
import io.testline.shopfloor.it.Harness;
import io.testline.shopfloor.simulator.Faults;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Throughput of the bridge against a simulator answering in 50 ms, per worker-pool size, and the drain rate of a
 * backlog after an outage. Real Kafka and PostgreSQL (embedded). Not a test: run it by hand, e.g.
 * {@code java -cp <test class path> io.testline.shopfloor.bench.ShopfloorBench [runs]}.
 */
public final class ShopfloorBench {
  private static final Duration SHOPFLOOR_LATENCY = Duration.ofMillis(50);

  private ShopfloorBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Brokers brokers = Brokers.fromEnvironment();
    try (KafkaBroker kafka = brokers.kafka(); PostgresServer postgres = brokers.postgres()) {
      for (int workers : new int[] {16, 64}) {
        steady(kafka, postgres.newDatabase("bench_steady_" + workers), runs, workers);
      }
      drain(kafka, postgres.newDatabase("bench_drain"), runs, 64);
    }
    System.exit(0);
  }

  private static void steady(KafkaBroker kafka, Database db, int runs, int workers) throws Exception {
    try (Harness h = new Harness(kafka, db, 8)) {
      h.simulator.setFaults(Faults.NONE.withLatency(SHOPFLOOR_LATENCY));
      h.startBridge(settings(workers));
      long started = System.nanoTime();
      h.publish(runsOf(runs));
      waitFor(() -> h.ledgerCount("ACCEPTED") == runs, Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("steady: %d runs, %d workers, shopfloor %d ms: %.1f s, %.0f runs/s (ceiling %d runs/s)%n",
          runs, workers, SHOPFLOOR_LATENCY.toMillis(), seconds, runs / seconds,
          workers * 1000 / SHOPFLOOR_LATENCY.toMillis());
    }
  }

  private static void drain(KafkaBroker kafka, Database db, int runs, int workers) throws Exception {
    try (Harness h = new Harness(kafka, db, 8)) {
      h.simulator.setFaults(Faults.NONE.withLatency(SHOPFLOOR_LATENCY));
      h.simulator.down();
      h.startBridge(settings(workers));
      h.publish(runsOf(runs));
      waitFor(() -> h.ledgerStates().values().stream().mapToLong(Long::longValue).sum() == runs,
          Duration.ofMinutes(5));
      h.simulator.up();
      long started = System.nanoTime();
      waitFor(() -> h.ledgerCount("ACCEPTED") == runs, Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("drain after outage: %d runs backlog, %d workers, shopfloor %d ms: %.1f s, %.0f runs/s%n",
          runs, workers, SHOPFLOOR_LATENCY.toMillis(), seconds, runs / seconds);
    }
  }

  private static Map<String, Object> settings(int workers) {
    return Map.of("dispatch.workers", String.valueOf(workers), "rateLimit.permitsPerSecond", "100000",
        "retry.maxDelay", "1s", "circuit.openDelay", "1s", "db.poolSize", String.valueOf(workers + 8));
  }

  private static List<Event<RunFinished>> runsOf(int runs) {
    List<Event<RunFinished>> list = new ArrayList<>(runs);
    Instant t0 = Instant.parse("2026-03-01T08:00:00Z");
    for (int i = 0; i < runs; i++) {
      // two runs per unit, so per-unit order is part of the work
      list.add(TestRuns.finished("FCT-" + (i % 50), "SN-B" + (i % (runs / 2)), "OP10", RunOutcome.PASS,
          1 + i / (runs / 2), t0.plusMillis(i)));
    }
    return list;
  }

  /** Polls a condition; a benchmark's main may wait like this (tests use Awaitility). */
  private static void waitFor(BooleanSupplier condition, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within " + atMost);
      }
      Thread.sleep(100);
    }
  }
}
