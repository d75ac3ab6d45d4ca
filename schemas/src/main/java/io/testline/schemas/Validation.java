package io.testline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** The outcome of validating one incoming message: valid, with its document, or invalid, with the reason. */
public sealed interface Validation {

  /** A message that satisfies its schema. {@link #event()} binds it to records on demand. */
  record Valid(MessageType type, JsonNode document) implements Validation {
    public Valid {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(document, "document");
    }

    public String stationId() {
      return document.path("stationId").asText();
    }

    public String eventId() {
      return document.path("eventId").asText();
    }

    /** The primary serial number of a run.* or verdict event, or null for station events. */
    public String serialNumber() {
      JsonNode serial = document.path("data").path("serialNumber");
      return serial.isTextual() ? serial.asText() : null;
    }

    public Event<?> event() {
      return EventJson.bind(document);
    }
  }

  /** A message refused for {@code reason}; {@code detail} names the field, value or limit. */
  record Invalid(DeadLetterReason reason, String detail) implements Validation {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  default boolean isValid() {
    return this instanceof Valid;
  }
}
