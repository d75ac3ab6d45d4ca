package io.testline.interop.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One step (phase) of a run.
 *
 * @param outcome PASS, FAIL, ERROR, SKIPPED or DONE
 */
public record StepRecord(
    int index,
    String name,
    String path,
    Instant startedAt,
    Instant endedAt,
    String outcome,
    String errorCode,
    String errorMessage,
    List<MeasurementRecord> measurements,
    List<AttachmentRecord> attachments) {

  public StepRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
    measurements = List.copyOf(measurements);
    attachments = List.copyOf(attachments);
  }

  /** The measurements that failed their limits. */
  public List<MeasurementRecord> failedMeasurements() {
    return measurements.stream().filter(m -> "FAIL".equals(m.outcome())).toList();
  }

  /** A file the step produced, by reference: its bytes stay on the station. */
  public record AttachmentRecord(String name, String path, String mediaType, Long sizeBytes, String sha256) {}
}
