package io.testline.schemas;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The envelope every testline event travels in, with its type-specific {@code data}.
 *
 * @param schema       type and version of {@code data}, e.g. {@code testline.run.finished/1}
 * @param eventId      unique per event (UUIDv7); consumers are idempotent on it
 * @param stationId    the station the event belongs to
 * @param agentSession changes at each start of the emitting process; {@code seq} restarts with it
 * @param seq          monotonic per {@code agentSession} from 0; a gap means lost events
 * @param occurredAt   the emitter's clock; receivers never overwrite it
 */
public record Event<T extends Payload>(
    String schema, UUID eventId, String stationId, UUID agentSession, long seq, Instant occurredAt, T data) {

  public Event {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(agentSession, "agentSession");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(data, "data");
    if (seq < 0) {
      throw new IllegalArgumentException("seq: must be >= 0, was " + seq);
    }
    if (!Schemas.STATION_ID.matcher(stationId).matches()) {
      throw new IllegalArgumentException("stationId: \"" + stationId + "\" is not a valid station id");
    }
    if (!schema.equals(data.type().schemaId())) {
      throw new IllegalArgumentException(
          "schema: \"" + schema + "\" does not match data of type " + data.type().schemaId());
    }
  }

  /** A new event with a fresh UUIDv7 id and the schema of {@code data}'s type. */
  public static <T extends Payload> Event<T> of(
      String stationId, UUID agentSession, long seq, Instant occurredAt, T data) {
    return new Event<>(data.type().schemaId(), Ids.newId(), stationId, agentSession, seq, occurredAt, data);
  }

  public MessageType type() {
    return data.type();
  }
}
