package io.testline.metrics;

/**
 * What a service answers at {@code GET /health}: whether it does its job now, judged from its real dependencies
 * (broker connected, database reachable, Kafka acknowledging), not from whether the process is alive.
 */
@FunctionalInterface
public interface HealthCheck {

  /** Checks now; must be quick and must not throw (a failed check is a DOWN report). */
  HealthReport check();
}
