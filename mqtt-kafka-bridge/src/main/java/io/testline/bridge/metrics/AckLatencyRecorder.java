package io.testline.bridge.metrics;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * MQTT receipt to acknowledgement latencies in nanoseconds, kept in an HdrHistogram {@link Recorder} (three
 * significant digits, up to 10 minutes): recording is wait-free and allocates nothing, from any number of threads,
 * and a reader takes exact intervals, e.g. only the seconds of a fixed-rate benchmark phase. The Micrometer timer
 * beside it serves Prometheus; its percentiles decay over a two-minute window and have one significant digit.
 */
public final class AckLatencyRecorder {
  static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Recorder recorder = new Recorder(1, HIGHEST_NANOS, 3);

  /** Records one latency; negative values count as 0 and values above 10 minutes as 10 minutes. */
  public void record(long nanos) {
    recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
  }

  /** What was recorded since the previous call (or since creation), as a histogram of its own. */
  public Histogram interval() {
    return recorder.getIntervalHistogram();
  }
}
