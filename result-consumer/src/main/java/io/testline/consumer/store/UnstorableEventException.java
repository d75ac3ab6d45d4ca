package io.testline.consumer.store;

import io.testline.errors.PermanentException;
import java.util.UUID;

/** An event that is well-formed but can never be stored; it is dead-lettered, never retried. */
public final class UnstorableEventException extends PermanentException {
  private static final long serialVersionUID = 1L;
  private final transient UUID eventId;

  public UnstorableEventException(UUID eventId, String message) {
    super(message);
    this.eventId = eventId;
  }

  public UUID eventId() {
    return eventId;
  }
}
