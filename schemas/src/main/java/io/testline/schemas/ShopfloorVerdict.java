package io.testline.schemas;

import java.util.Objects;
import java.util.UUID;

/**
 * The shopfloor's answer to a finished run. The event's {@code stationId} is the run's station, so the verdict
 * can travel down to it; its {@code agentSession} and {@code seq} are those of the emitting shopfloor-bridge.
 *
 * @param code      the shopfloor's code for a rejection (or testline's for DEAD)
 * @param latencyMs from the run's finish to the shopfloor's final answer
 */
public record ShopfloorVerdict(
    UUID runId,
    String serialNumber,
    Verdict verdict,
    String code,
    String message,
    int attempts,
    Long latencyMs,
    String shopfloorReference) implements Payload {

  public ShopfloorVerdict {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(verdict, "verdict");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts: must be >= 1, was " + attempts);
    }
  }
}
