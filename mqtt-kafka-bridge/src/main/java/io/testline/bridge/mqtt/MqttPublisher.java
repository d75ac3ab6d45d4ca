package io.testline.bridge.mqtt;

import java.util.concurrent.CompletableFuture;

/** Publishes at QoS 1 and tells when the broker acknowledged. */
@FunctionalInterface
public interface MqttPublisher {
  /** Completes when the broker's PUBACK arrives; exceptionally on an error reason code or a lost session. */
  CompletableFuture<Void> publish(String topic, byte[] payload);
}
