package io.testline.bridge.gaps;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Events a station's agent session sent (their {@code seq} says so) that never reached Kafka: the JSON value of a
 * {@code testline.seq-gaps} record, keyed by {@code stationId}.
 *
 * @param fromSeq    first missing seq, inclusive
 * @param toSeq      last missing seq, inclusive
 * @param cause      {@code TIMEOUT} (still missing after the grace period) or {@code SESSION_ENDED} (a newer
 *                   session of the station started and its grace period passed), or {@code FILLED}: every seq of
 *                   a gap reported before has arrived since (the station sent it again); the gap is closed
 */
public record Gap(String stationId, UUID agentSession, long fromSeq, long toSeq, Instant detectedAt, String cause) {
  public static final String TIMEOUT = "TIMEOUT";
  public static final String SESSION_ENDED = "SESSION_ENDED";
  public static final String FILLED = "FILLED";

  public Gap {
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(agentSession, "agentSession");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(cause, "cause");
    if (fromSeq < 0 || toSeq < fromSeq) {
      throw new IllegalArgumentException("fromSeq..toSeq: " + fromSeq + ".." + toSeq + " is not a range");
    }
  }

  /** True for the record that closes an earlier gap. */
  public boolean filled() {
    return FILLED.equals(cause);
  }

  /** How many events are missing (or, for a filled gap, arrived late). */
  public long size() {
    return toSeq - fromSeq + 1;
  }
}
