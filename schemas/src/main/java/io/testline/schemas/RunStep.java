package io.testline.schemas;

import java.util.Objects;
import java.util.UUID;

/** One step finished, with its measurements; emitted live while the run goes on. */
public record RunStep(UUID runId, String serialNumber, Step step) implements Payload {
  public RunStep {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(step, "step");
  }
}
