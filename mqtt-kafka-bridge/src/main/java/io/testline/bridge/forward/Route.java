package io.testline.bridge.forward;

import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.MessageType;
import java.util.Objects;

/** Where one inbound message goes: forwarded to its topic, ignored as our own downlink, or dead-lettered. */
sealed interface Route {

  /** A valid message for {@code topic} under {@code key} (null: Kafka picks the partition). */
  record Forward(String topic, String key, MessageType type, String eventId) implements Route {
    public Forward {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(type, "type");
    }
  }

  /** A message on a station's {@code verdict} or {@code resend} topic: the bridge's own downlink, seen through the uplink filter. */
  record Downlink() implements Route {}

  /** A refused message with the reason and what exactly was wrong. */
  record DeadLetter(DeadLetterReason reason, String detail) implements Route {
    public DeadLetter {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
