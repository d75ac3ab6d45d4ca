package io.testline.shopfloor.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.shopfloor.TestRuns;
import io.testline.shopfloor.simulator.Faults;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpShopfloorAdapterIT {
  private final ShopfloorSimulator simulator = ShopfloorSimulator.start(0);
  private final HttpShopfloorAdapter adapter = new HttpShopfloorAdapter(
      HttpAdapterConfig.of(simulator.resultsUri()).withTimeouts(Duration.ofMillis(500), Duration.ofMillis(700)));

  @AfterEach
  void close() {
    adapter.close();
    simulator.close();
  }

  private static Event<RunFinished> run(String sn, String operation) {
    return TestRuns.finished("FCT-1", sn, operation, RunOutcome.PASS, 1, Instant.now());
  }

  @Test
  void accepted_run_gets_a_reference_and_a_repeat_is_answered_without_a_second_effect() throws Exception {
    Event<RunFinished> e = run("SN-A", "OP10");
    SubmitResult first = adapter.submit(e.data(), e.stationId());
    SubmitResult again = adapter.submit(e.data(), e.stationId());
    assertThat(first).isInstanceOf(SubmitResult.Accepted.class);
    assertThat(((SubmitResult.Accepted) first).reference()).startsWith("SF-");
    assertThat(again).isEqualTo(first);
    assertThat(simulator.stats().accepted()).isEqualTo(1);
    assertThat(simulator.stats().duplicates()).isEqualTo(1);
  }

  @Test
  void out_of_route_result_is_rejected_with_the_route_step_code() throws Exception {
    simulator.setRoute("SN-B", List.of("OP10", "OP20"));
    Event<RunFinished> e = run("SN-B", "OP20");
    SubmitResult result = adapter.submit(e.data(), e.stationId());
    assertThat(result).isInstanceOf(SubmitResult.Rejected.class);
    assertThat(((SubmitResult.Rejected) result).code()).isEqualTo(ShopfloorSimulator.ROUTE_STEP);
    assertThat(((SubmitResult.Rejected) result).message()).contains("OP10");
  }

  @Test
  void server_errors_slow_answers_dropped_connections_and_a_down_shopfloor_are_transient() throws Exception {
    simulator.setFaults(Faults.NONE.withErrorRate(1));
    assertThat(adapter.submit(run("SN-C", "OP10").data(), "FCT-1")).isInstanceOf(SubmitResult.TransientFailure.class);
    simulator.setFaults(Faults.NONE.withLatency(Duration.ofSeconds(2)));
    assertThat(adapter.submit(run("SN-C", "OP10").data(), "FCT-1")).isInstanceOf(SubmitResult.TransientFailure.class);
    simulator.setFaults(Faults.NONE.withDropRate(1));
    assertThat(adapter.submit(run("SN-C", "OP10").data(), "FCT-1")).isInstanceOf(SubmitResult.TransientFailure.class);
    simulator.setFaults(Faults.NONE.withHang(true));
    assertThat(adapter.submit(run("SN-C", "OP10").data(), "FCT-1")).isInstanceOf(SubmitResult.TransientFailure.class);
    simulator.setFaults(Faults.NONE);
    simulator.down();
    assertThat(adapter.submit(run("SN-C", "OP10").data(), "FCT-1")).isInstanceOf(SubmitResult.TransientFailure.class);
    simulator.up();
    assertThat(adapter.submit(run("SN-C", "OP10").data(), "FCT-1")).isInstanceOf(SubmitResult.Accepted.class);
  }
}
