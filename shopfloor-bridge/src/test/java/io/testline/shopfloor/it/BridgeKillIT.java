package io.testline.shopfloor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.Verdict;
import io.testline.shopfloor.TestRuns;
import io.testline.shopfloor.cli.Main;
import io.testline.shopfloor.simulator.Faults;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The bridge as a separate process, killed with SIGKILL mid-flight and started again. */
@ExtendWith(RealBrokers.class)
class BridgeKillIT {
  private static final int RUNS = 400;
  private static final Map<String, Object> CONFIG = Map.of(
      "shopfloor.requestTimeout", "2s", "dispatch.lease", "5s", "dispatch.workers", "8",
      "rateLimit.permitsPerSecond", "1000");

  @Test
  void kill_minus_9_mid_flight_loses_nothing_and_has_no_double_effect(KafkaBroker kafka, Database db,
      @TempDir Path dir) throws Exception {
    try (Harness h = new Harness(kafka, db, 4)) {
      // slow answers keep many submissions in flight when the kill comes
      h.simulator.setFaults(Faults.NONE.withLatency(Duration.ofMillis(50)).withErrorRate(0.1));
      List<Event<RunFinished>> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        runs.add(TestRuns.finished("FCT-" + (i % 4), "SN-K" + (i % 100), "OP10", RunOutcome.PASS, 1 + i / 100,
            Instant.parse("2026-03-01T08:00:00Z").plusSeconds(i)));
      }
      h.publish(runs);
      Path config = h.writeConfig(dir, CONFIG);

      Process first = startBridge(config, dir.resolve("bridge-1.log"));
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> h.simulator.stats().accepted() >= RUNS / 4);
      } finally {
        first.destroyForcibly();
        first.waitFor();
      }
      long acceptedAtKill = h.simulator.stats().accepted();
      assertThat(acceptedAtKill).as("killed mid-flight").isLessThan(RUNS);

      Process second = startBridge(config, dir.resolve("bridge-2.log"));
      try {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.ledgerCount("ACCEPTED") == RUNS && h.latestVerdicts().size() == RUNS);
      } finally {
        second.destroy();
        second.waitFor();
      }

      assertThat(h.simulator.stats().accepted()).as("one effect per run").isEqualTo(RUNS);
      assertThat(h.simulator.stats().doubleEffects()).isZero();
      assertThat(h.ledgerStates()).isEqualTo(Map.of("ACCEPTED", (long) RUNS));
      List<Event<ShopfloorVerdict>> verdicts = h.verdicts();
      assertThat(verdicts).allSatisfy(v -> assertThat(v.data().verdict()).isEqualTo(Verdict.ACCEPTED));
      Set<UUID> runIds = runs.stream().map(r -> r.data().runId()).collect(Collectors.toSet());
      assertThat(h.latestVerdicts().keySet()).isEqualTo(runIds);
      // a verdict re-published after the kill is a repeat of the same event, never a second verdict
      Map<UUID, Set<UUID>> eventIdsByRun = verdicts.stream().collect(Collectors.groupingBy(v -> v.data().runId(),
          Collectors.mapping(Event::eventId, Collectors.toSet())));
      assertThat(eventIdsByRun.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    }
  }

  private static Process startBridge(Path config, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TESTLINE_"));
    return builder.start();
  }

}
