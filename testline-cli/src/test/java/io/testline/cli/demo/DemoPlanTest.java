package io.testline.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.cli.demo.DemoPlan.Mode;
import io.testline.cli.demo.DemoPlan.PlannedRun;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoPlanTest {

  @Test
  void the_default_plan_shows_every_kind_of_run() {
    List<DemoPlan.Station> plan = DemoPlan.of(4, 4);
    assertThat(plan).extracting(DemoPlan.Station::stationId).containsExactly("FCT-01", "FCT-02", "FCT-03", "FCT-04");
    assertThat(plan.stream().flatMap(s -> s.runs().stream()).map(PlannedRun::mode))
        .hasSize(16).contains(Mode.values());
  }

  @Test
  void a_unit_that_did_not_pass_is_retested_on_the_same_station_with_the_next_attempt() {
    for (DemoPlan.Station station : DemoPlan.of(4, 6)) {
      List<PlannedRun> runs = station.runs();
      for (int i = 1; i < runs.size(); i++) {
        PlannedRun before = runs.get(i - 1);
        PlannedRun now = runs.get(i);
        boolean retest = before.mode() == Mode.FAIL || before.mode() == Mode.CRASH || before.mode() == Mode.HANG;
        if (retest) {
          assertThat(now.serialNumber()).isEqualTo(before.serialNumber());
          assertThat(now.attempt()).isEqualTo(before.attempt() + 1);
        } else {
          assertThat(now.serialNumber()).isNotEqualTo(before.serialNumber());
          assertThat(now.attempt()).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void serial_numbers_never_repeat_across_stations() {
    List<String> firstAttempts = DemoPlan.of(5, 8).stream().flatMap(s -> s.runs().stream())
        .filter(r -> r.attempt() == 1).map(PlannedRun::serialNumber).toList();
    assertThat(firstAttempts).doesNotHaveDuplicates();
  }

  @Test
  void only_the_wrong_step_run_reports_another_operation_and_expects_a_rejection() {
    assertThat(new PlannedRun("S", 1, Mode.WRONG_STEP).operation()).isEqualTo(DemoPlan.WRONG_OPERATION);
    assertThat(new PlannedRun("S", 1, Mode.CRASH).operation()).isEqualTo(DemoPlan.OPERATION);
    assertThat(Mode.WRONG_STEP.expectedExitCode()).isEqualTo(10);
    assertThat(Mode.WRONG_STEP.programArgument()).isEqualTo("pass");
    assertThat(Mode.HANG.expectedExitCode()).isEqualTo(3);
  }

  @Test
  void refuses_an_empty_plan() {
    assertThatThrownBy(() -> DemoPlan.of(0, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
