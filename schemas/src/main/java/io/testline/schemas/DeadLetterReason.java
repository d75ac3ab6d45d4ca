package io.testline.schemas;

/** Why a message was refused. */
public enum DeadLetterReason {
  /** Not JSON, or not a JSON object, or with duplicate keys or trailing data. */
  MALFORMED_JSON,
  /** A {@code schema} this reader does not know (a type or version it cannot read). */
  UNKNOWN_SCHEMA,
  /** Valid JSON of a known type that breaks its schema: a missing id, a wrong type, a bad timestamp. */
  SCHEMA_VIOLATION,
  /** Larger than the message size bound. */
  OVERSIZE,
  /** The payload's stationId is not the station of the topic it was published on. */
  STATION_MISMATCH,
  /** Published on a topic outside the testline topic tree. */
  BAD_TOPIC,
  /** A later stage could never process it (e.g. a database constraint). */
  PERMANENT_ERROR
}
