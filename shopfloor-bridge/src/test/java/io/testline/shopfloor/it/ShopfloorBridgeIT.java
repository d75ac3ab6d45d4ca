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
import io.testline.shopfloor.ShopfloorBridge;
import io.testline.shopfloor.TestRuns;
import io.testline.shopfloor.cli.Main;
import io.testline.shopfloor.simulator.Faults;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealBrokers.class)
class ShopfloorBridgeIT {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

  @Test
  void rejected_run_yields_a_rejected_verdict_with_the_shopfloor_code(KafkaBroker kafka, Database db)
      throws Exception {
    try (Harness h = new Harness(kafka, db, 2)) {
      h.simulator.setRoute("SN-R1", List.of("OP10", "OP20"));
      Event<RunFinished> outOfRoute = TestRuns.finished("FCT-7", "SN-R1", "OP20", RunOutcome.PASS, 1, T0);
      Event<RunFinished> inRoute = TestRuns.finished("FCT-7", "SN-R2", "OP10", RunOutcome.PASS, 1, T0);
      h.startBridge(Map.of());
      h.publish(List.of(outOfRoute, inRoute));

      h.awaitVerdicts(2, Duration.ofSeconds(30));
      Event<ShopfloorVerdict> rejected = h.latestVerdicts().get(outOfRoute.data().runId());
      assertThat(rejected.data().verdict()).isEqualTo(Verdict.REJECTED);
      assertThat(rejected.data().code()).isEqualTo(ShopfloorSimulator.ROUTE_STEP);
      assertThat(rejected.data().message()).contains("is at OP10");
      assertThat(rejected.data().attempts()).isEqualTo(1);
      assertThat(rejected.stationId()).as("the verdict travels to the run's station").isEqualTo("FCT-7");
      assertThat(h.latestVerdicts().get(inRoute.data().runId()).data().verdict()).isEqualTo(Verdict.ACCEPTED);
      assertThat(h.ledgerRow(outOfRoute.data().runId()))
          .containsEntry("state", "REJECTED").containsEntry("verdict_code", "ROUTE-STEP");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> Boolean.TRUE.equals(h.ledgerRow(outOfRoute.data().runId()).get("verdict_published")));
      assertThat(h.simulator.stats().requests()).as("a rejection is not retried").isEqualTo(2);
    }
  }

  @Test
  void new_runs_and_retests_are_dispatched_on_arrival_not_at_the_next_ledger_poll(KafkaBroker kafka, Database db)
      throws Exception {
    try (Harness h = new Harness(kafka, db, 2)) {
      // the ledger poll, the safety net for restarts and retries, is a minute: only the intake's hand-off and a
      // finished attempt's wake-up can dispatch within the waits below
      h.startBridge(Map.of("dispatch.pollInterval", "1m"));
      Event<RunFinished> first = TestRuns.finished("FCT-1", "SN-A0", "OP10", RunOutcome.PASS, 1, T0);
      h.publish(List.of(first));
      h.awaitVerdicts(1, Duration.ofSeconds(30)); // includes the intake joining its group

      // the dispatcher is idle now, waiting out its minute; a unit with two retests, and another unit
      List<Event<RunFinished>> runs = List.of(
          TestRuns.finished("FCT-1", "SN-A1", "OP10", RunOutcome.FAIL, 1, T0.plusSeconds(60)),
          TestRuns.finished("FCT-1", "SN-A1", "OP10", RunOutcome.FAIL, 2, T0.plusSeconds(120)),
          TestRuns.finished("FCT-1", "SN-A1", "OP10", RunOutcome.PASS, 3, T0.plusSeconds(180)),
          TestRuns.finished("FCT-2", "SN-A2", "OP10", RunOutcome.PASS, 1, T0.plusSeconds(60)));
      h.publish(runs);
      h.awaitVerdicts(5, Duration.ofSeconds(15));

      assertThat(h.simulator.acceptedRuns("SN-A1")).as("the retests in order, each dispatched when the one before ended")
          .isEqualTo(runs.subList(0, 3).stream().map(r -> r.data().runId().toString()).toList());
      assertThat(h.simulator.stats().accepted()).isEqualTo(5);
    }
  }

  @Test
  void every_run_is_accepted_exactly_once_despite_5xx_and_latency_spikes(KafkaBroker kafka, Database db)
      throws Exception {
    try (Harness h = new Harness(kafka, db, 4)) {
      // spikes of 1 s against a 800 ms request timeout: the bridge times out and resubmits what took effect
      h.simulator.setFaults(Faults.NONE.withErrorRate(0.2).withSpikes(0.1, Duration.ofSeconds(1)));
      List<Event<RunFinished>> runs = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        runs.add(TestRuns.finished("FCT-" + (i % 5), "SN-F" + (i % 100), "OP10", RunOutcome.PASS, 1 + i / 100,
            T0.plusSeconds(i)));
      }
      h.startBridge(Map.of("shopfloor.requestTimeout", "800ms", "dispatch.workers", "16"));
      h.publish(runs);

      h.awaitVerdicts(300, Duration.ofSeconds(90));
      assertThat(h.latestVerdicts().values()).allSatisfy(v -> assertThat(v.data().verdict()).isEqualTo(Verdict.ACCEPTED));
      assertThat(h.simulator.stats().accepted()).isEqualTo(300);
      assertThat(h.simulator.stats().doubleEffects()).isZero();
      assertThat(h.simulator.stats().errors()).isPositive();
      assertThat(h.ledgerCount("ACCEPTED")).isEqualTo(300);
      assertThat(Harness.countByRun(h.verdicts()).values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
    }
  }

  @Test
  void retests_reach_the_shopfloor_in_finished_order_per_serial_number_under_faults(KafkaBroker kafka, Database db)
      throws Exception {
    try (Harness h = new Harness(kafka, db, 3)) {
      h.simulator.setFaults(Faults.NONE.withErrorRate(0.3).withDropRate(0.1));
      List<Event<RunFinished>> runs = new ArrayList<>();
      for (int attempt = 1; attempt <= 5; attempt++) {
        for (int unit = 0; unit < 20; unit++) {
          runs.add(TestRuns.finished("FCT-" + attempt, "SN-O" + unit, "OP10",
              attempt < 5 ? RunOutcome.FAIL : RunOutcome.PASS, attempt, T0.plusSeconds(attempt * 60L + unit)));
        }
      }
      h.startBridge(Map.of("dispatch.workers", "16", "circuit.failureThreshold", "20"));
      h.publish(runs);

      h.awaitVerdicts(100, Duration.ofSeconds(90));
      for (int unit = 0; unit < 20; unit++) {
        String sn = "SN-O" + unit;
        List<String> expected = runs.stream().filter(r -> r.data().serialNumber().equals(sn))
            .map(r -> r.data().runId().toString()).toList();
        assertThat(h.simulator.acceptedRuns(sn)).as("first accepts of %s", sn).isEqualTo(expected);
      }
      assertThat(h.simulator.stats().accepted()).isEqualTo(100);
      assertThat(h.simulator.stats().errors() + h.simulator.stats().dropped()).isPositive();
    }
  }

  @Test
  void runs_past_the_deadline_become_dead_are_listed_and_redrive_resubmits_them(KafkaBroker kafka, Database db,
      @TempDir Path dir) throws Exception {
    try (Harness h = new Harness(kafka, db, 1)) {
      h.simulator.down();
      List<Event<RunFinished>> runs = List.of(
          TestRuns.finished("FCT-1", "SN-D1", "OP10", RunOutcome.PASS, 1, T0),
          TestRuns.finished("FCT-1", "SN-D2", "OP10", RunOutcome.PASS, 1, T0));
      Map<String, Object> shortDeadline = Map.of("retry.deadline", "2s", "retry.maxDelay", "300ms");
      ShopfloorBridge bridge = h.startBridge(shortDeadline);
      h.publish(runs);

      h.awaitVerdicts(2, Duration.ofSeconds(30));
      assertThat(h.latestVerdicts().values()).allSatisfy(v -> {
        assertThat(v.data().verdict()).isEqualTo(Verdict.DEAD);
        assertThat(v.data().code()).isEqualTo("DEADLINE");
      });
      assertThat(bridge.ledger().listDead(10)).extracting(d -> d.runId())
          .containsExactlyInAnyOrder(runs.get(0).data().runId(), runs.get(1).data().runId());

      Path config = h.writeConfig(dir, shortDeadline);
      assertThat(Main.execute("list-dead", "--config", config.toString())).isZero();
      h.simulator.up();
      UUID first = runs.get(0).data().runId();
      assertThat(Main.execute("redrive", "--run", first.toString(), "--config", config.toString())).isZero();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> h.latestVerdicts().get(first).data().verdict() == Verdict.ACCEPTED);
      assertThat(Main.execute("redrive", "--all-dead", "--config", config.toString())).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.latestVerdicts().values().stream()
          .allMatch(v -> v.data().verdict() == Verdict.ACCEPTED));
      assertThat(h.simulator.stats().accepted()).isEqualTo(2);
      assertThat(h.ledgerCount("DEAD")).isZero();
    }
  }

  @Test
  void metrics_show_backlog_outcomes_and_shopfloor_latency(KafkaBroker kafka, Database db) throws Exception {
    try (Harness h = new Harness(kafka, db, 1)) {
      h.simulator.setRoute("SN-M2", List.of("OP99"));
      ShopfloorBridge bridge = h.startBridge(Map.of("metrics.port", "0"));
      h.publish(List.of(TestRuns.finished("FCT-1", "SN-M1", "OP10", RunOutcome.PASS, 1, T0),
          TestRuns.finished("FCT-1", "SN-M2", "OP10", RunOutcome.PASS, 1, T0)));
      h.awaitVerdicts(2, Duration.ofSeconds(30));

      HttpClient client = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + bridge.metricsPort());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
            .contains("testline_shopfloor_outcomes_total{kind=\"accepted\"} 1.0")
            .contains("testline_shopfloor_outcomes_total{kind=\"rejected\"} 1.0")
            .contains("testline_shopfloor_latency_seconds_count 2")
            .contains("testline_shopfloor_backlog 0.0")
            .contains("testline_shopfloor_oldest_pending_age_seconds")
            .contains("kafka_consumer");
      });
      assertThat(client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }
}
