package io.testline.bridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class AckLatencyRecorderTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void reports_percentiles_and_max_of_recorded_latencies_within_two_thousandths() {
    AckLatencyRecorder recorder = new AckLatencyRecorder();
    for (int i = 0; i < 990; i++) {
      recorder.record(2 * MS);
    }
    for (int i = 0; i < 10; i++) {
      recorder.record(40 * MS);
    }
    Histogram interval = recorder.interval();
    assertThat(interval.getTotalCount()).isEqualTo(1_000);
    assertThat((double) interval.getValueAtPercentile(50)).isCloseTo(2 * MS, within(2 * MS / 500.0));
    assertThat((double) interval.getValueAtPercentile(99)).isCloseTo(2 * MS, within(2 * MS / 500.0));
    assertThat((double) interval.getValueAtPercentile(99.5)).isCloseTo(40 * MS, within(40 * MS / 500.0));
    assertThat((double) interval.getMaxValue()).isCloseTo(40 * MS, within(40 * MS / 500.0));
  }

  @Test
  void each_interval_holds_only_what_was_recorded_since_the_previous_one() {
    AckLatencyRecorder recorder = new AckLatencyRecorder();
    recorder.record(500 * MS);
    recorder.interval();
    recorder.record(3 * MS);
    Histogram second = recorder.interval();
    assertThat(second.getTotalCount()).isEqualTo(1);
    assertThat((double) second.getMaxValue()).isCloseTo(3 * MS, within(3 * MS / 500.0));
    assertThat(recorder.interval().getTotalCount()).isZero();
  }

  @Test
  void clamps_values_outside_its_range_instead_of_failing_the_ack_path() {
    AckLatencyRecorder recorder = new AckLatencyRecorder();
    recorder.record(-5);
    recorder.record(TimeUnit.HOURS.toNanos(1));
    Histogram interval = recorder.interval();
    assertThat(interval.getTotalCount()).isEqualTo(2);
    assertThat(interval.getMinValue()).isZero();
    assertThat(interval.getMaxValue()).isGreaterThanOrEqualTo(AckLatencyRecorder.HIGHEST_NANOS);
  }

  @Test
  void bridge_metrics_record_receipt_to_acknowledgement_for_every_acknowledged_message() {
    BridgeMetrics metrics = new BridgeMetrics(new SimpleMeterRegistry());
    metrics.received();
    metrics.received();
    long now = System.nanoTime();
    metrics.forwarded(now - 7 * MS);
    metrics.downlinkEcho(now - 30 * MS);
    Histogram interval = metrics.ackLatencies().interval();
    assertThat(interval.getTotalCount()).isEqualTo(2);
    // measured against a clock read after ours: at least the age we gave, plus this test's own few microseconds
    assertThat(interval.getMinValue()).isBetween(7 * MS - 7 * MS / 500, 7 * MS + 1_000 * MS);
    assertThat(interval.getMaxValue()).isBetween(30 * MS - 30 * MS / 500, 30 * MS + 1_000 * MS);
    assertThat(metrics.inFlight()).isZero();
  }
}
