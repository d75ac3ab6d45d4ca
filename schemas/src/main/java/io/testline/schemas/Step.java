package io.testline.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One phase or step of a run.
 *
 * @param path where the step sits in the sequence, '/'-separated, e.g. {@code Power/Rails/3V3}
 */
public record Step(
    String name,
    String path,
    Integer index,
    Instant startedAt,
    Instant endedAt,
    StepOutcome outcome,
    List<Measurement> measurements,
    String errorCode,
    String errorMessage,
    List<Attachment> attachments) {

  public Step {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
    measurements = Lists.copyOrNull(measurements);
    attachments = Lists.copyOrNull(attachments);
  }
}
