package io.testline.shopfloor.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A finished run as the intake records it, with its Kafka position.
 *
 * @param payload the run.finished event exactly as read from Kafka
 */
public record NewRun(UUID runId, String serialNumber, String stationId, Instant finishedAt, String topic,
    int partition, long offset, UUID eventId, byte[] payload) {

  public NewRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(payload, "payload");
  }
}
