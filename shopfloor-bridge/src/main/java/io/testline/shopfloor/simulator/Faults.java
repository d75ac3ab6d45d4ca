package io.testline.shopfloor.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The faults a {@link ShopfloorSimulator} injects into each request, decided per request at random.
 *
 * @param errorRate  fraction of requests answered 503 before any effect
 * @param dropRate   fraction of requests whose connection is closed without an answer, before any effect
 * @param latency    added to every answer, after the effect (so a client timeout causes an idempotent replay)
 * @param spikeRate  fraction of requests that get {@code spike} on top of {@code latency}
 * @param spike      length of a latency spike
 * @param hang       every request waits, without an answer, until hanging is turned off or the simulator closes
 */
public record Faults(double errorRate, double dropRate, Duration latency, double spikeRate, Duration spike,
    boolean hang) {

  public static final Faults NONE = new Faults(0, 0, Duration.ZERO, 0, Duration.ZERO, false);

  public Faults {
    requireRate("errorRate", errorRate);
    requireRate("dropRate", dropRate);
    requireRate("spikeRate", spikeRate);
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(spike, "spike");
    if (latency.isNegative() || spike.isNegative()) {
      throw new IllegalArgumentException("latency, spike: must be >= 0");
    }
  }

  public Faults withErrorRate(double rate) {
    return new Faults(rate, dropRate, latency, spikeRate, spike, hang);
  }

  public Faults withDropRate(double rate) {
    return new Faults(errorRate, rate, latency, spikeRate, spike, hang);
  }

  public Faults withLatency(Duration value) {
    return new Faults(errorRate, dropRate, value, spikeRate, spike, hang);
  }

  public Faults withSpikes(double rate, Duration length) {
    return new Faults(errorRate, dropRate, latency, rate, length, hang);
  }

  public Faults withHang(boolean value) {
    return new Faults(errorRate, dropRate, latency, spikeRate, spike, value);
  }

  private static void requireRate(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + ": must be within 0..1, was " + rate);
    }
  }
}
