package io.testline.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** The type-specific part of an {@link Event}: its {@code data}. */
public sealed interface Payload
    permits StationBirth, StationDeath, StationHeartbeat, RunStarted, RunStep, RunLog, RunAttachment, RunFinished,
    ShopfloorVerdict {

  /** The message type, and so the schema, this payload belongs to. */
  @JsonIgnore
  default MessageType type() {
    return MessageType.of(getClass());
  }
}
