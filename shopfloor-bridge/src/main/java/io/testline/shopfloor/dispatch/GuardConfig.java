package io.testline.shopfloor.dispatch;

import java.time.Duration;
import java.util.Objects;

/**
 * Protection of the shopfloor around the adapter.
 *
 * @param failureThreshold   failed attempts (transient failures) among the last {@code failureWindow} that open the
 *                           circuit
 * @param failureWindow      how many recent attempts the circuit looks at
 * @param openDelay          how long the circuit stays open before trial attempts
 * @param successThreshold   successful trial attempts that close it again
 * @param permitsPerSecond   rate limit of submissions to the shopfloor
 * @param maxRateWait        how long a worker may wait for a permit before giving its run back
 */
public record GuardConfig(int failureThreshold, int failureWindow, Duration openDelay, int successThreshold,
    double permitsPerSecond, Duration maxRateWait) {

  public static final GuardConfig DEFAULTS =
      new GuardConfig(10, 20, Duration.ofSeconds(5), 2, 200, Duration.ofSeconds(1));

  public GuardConfig {
    Objects.requireNonNull(openDelay, "openDelay");
    Objects.requireNonNull(maxRateWait, "maxRateWait");
    if (failureWindow < 1 || failureThreshold < 1 || failureThreshold > failureWindow) {
      throw new IllegalArgumentException("failureThreshold: must be within 1.." + failureWindow + " (failureWindow),"
          + " was " + failureThreshold);
    }
    if (successThreshold < 1) {
      throw new IllegalArgumentException("successThreshold: must be >= 1, was " + successThreshold);
    }
    if (!(permitsPerSecond > 0)) {
      throw new IllegalArgumentException("permitsPerSecond: must be > 0, was " + permitsPerSecond);
    }
  }
}
