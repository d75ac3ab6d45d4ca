package io.testline.schemas;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Events a station's agent session sent (their {@code seq} says so) that never reached Kafka (schema
 * {@code testline.seq-gap/1}): the JSON value of a {@code testline.seq-gaps} record, keyed by {@code stationId}. The
 * bridge also sends each open gap down to its station on {@code testline/v1/<stationId>/resend}, so an agent that
 * still journals the missing events sends them again.
 *
 * @param fromSeq    first missing seq, inclusive
 * @param toSeq      last missing seq, inclusive
 * @param cause      {@code TIMEOUT} (still missing after the grace period) or {@code SESSION_ENDED} (a newer
 *                   session of the station started and its grace period passed), or {@code FILLED}: every seq of
 *                   a gap reported before has arrived since (the station sent it again); the gap is closed
 */
public record SeqGap(String schema, String stationId, UUID agentSession, long fromSeq, long toSeq, Instant detectedAt,
    String cause) {
  public static final String SCHEMA_ID = "testline.seq-gap/1";
  public static final String SCHEMA_RESOURCE = Schemas.RESOURCE_DIR + "seq-gap-1.schema.json";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String SESSION_ENDED = "SESSION_ENDED";
  public static final String FILLED = "FILLED";

  public SeqGap {
    schema = schema == null ? SCHEMA_ID : schema; // records written before the schema field was added
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(agentSession, "agentSession");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(cause, "cause");
    if (fromSeq < 0 || toSeq < fromSeq) {
      throw new IllegalArgumentException("fromSeq..toSeq: " + fromSeq + ".." + toSeq + " is not a range");
    }
  }

  public SeqGap(String stationId, UUID agentSession, long fromSeq, long toSeq, Instant detectedAt, String cause) {
    this(SCHEMA_ID, stationId, agentSession, fromSeq, toSeq, detectedAt, cause);
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
