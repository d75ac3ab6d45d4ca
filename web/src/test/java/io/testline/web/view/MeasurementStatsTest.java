package io.testline.web.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MeasurementStatsTest {

  @Test
  void two_sided_limits_give_cp_from_their_width_and_cpk_from_the_nearer_limit() {
    MeasurementStats s = new MeasurementStats(null, 50, 3.32, 0.02, 3.25, 3.4, 3.135, 3.465);
    assertThat(s.cp()).isCloseTo((3.465 - 3.135) / (6 * 0.02), within(1e-12));
    assertThat(s.cpk()).isCloseTo((3.465 - 3.32) / (3 * 0.02), within(1e-12));
    assertThat(s.ucl()).isCloseTo(3.38, within(1e-12));
    assertThat(s.lcl()).isCloseTo(3.26, within(1e-12));
  }

  @Test
  void one_sided_limits_have_no_cp_and_the_cpk_of_their_side() {
    MeasurementStats upper = new MeasurementStats(null, 10, 30.0, 4.0, 20.0, 40.0, null, 50.0);
    assertThat(upper.cp()).isNull();
    assertThat(upper.cpk()).isCloseTo(20.0 / 12.0, within(1e-12));
    MeasurementStats lower = new MeasurementStats(null, 10, 30.0, 4.0, 20.0, 40.0, 18.0, null);
    assertThat(lower.cp()).isNull();
    assertThat(lower.cpk()).isCloseTo(12.0 / 12.0, within(1e-12));
  }

  @Test
  void capability_is_undefined_without_limits_spread_or_a_second_value() {
    assertThat(new MeasurementStats(null, 10, 3.3, 0.1, 3.1, 3.5, null, null).cpk()).isNull();
    assertThat(new MeasurementStats(null, 10, 3.3, 0.0, 3.3, 3.3, 3.0, 3.6).cpk()).isNull();
    assertThat(new MeasurementStats(null, 1, 3.3, null, 3.3, 3.3, 3.0, 3.6).cp()).isNull();
  }

  @Test
  void a_run_pages_measurement_link_covers_the_thirty_days_up_to_its_run() {
    Fmt f = new Fmt(java.time.ZoneOffset.UTC);
    assertThat(f.measurementUrl("FCT", "Power/Rails/5V0", "v 5", java.time.Instant.parse("2026-03-10T23:59:00Z")))
        .isEqualTo("/measurements?operation=FCT&step=Power%2FRails%2F5V0&name=v+5&from=2026-02-09&to=2026-03-11");
  }
}
