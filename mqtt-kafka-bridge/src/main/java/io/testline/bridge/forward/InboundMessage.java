package io.testline.bridge.forward;

import java.time.Instant;
import java.util.Objects;

/**
 * One message as it arrived from MQTT, with the action that acknowledges it to the broker. Acknowledging is
 * idempotent and safe from any thread; the MQTT client sends the PUBACKs in the order the messages arrived.
 */
public record InboundMessage(String mqttTopic, byte[] payload, Instant receivedAt, long receivedNanos, Runnable ack) {

  public InboundMessage {
    Objects.requireNonNull(mqttTopic, "mqttTopic");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(ack, "ack");
  }
}
