package io.testline.bridge.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Whether the bridge does its job: MQTT connected, and Kafka not stuck (nothing in flight, or an acknowledgement
 * within {@code stuckAfter}). A stuck bridge is DOWN so an orchestrator can tell, but it is not restarted by this
 * class: holding messages unacknowledged during a Kafka outage is the designed behaviour.
 */
public final class Health {
  private final BooleanSupplier mqttConnected;
  private final BridgeMetrics metrics;
  private final Duration stuckAfter;

  public Health(BooleanSupplier mqttConnected, BridgeMetrics metrics, Duration stuckAfter) {
    this.mqttConnected = mqttConnected;
    this.metrics = metrics;
    this.stuckAfter = stuckAfter;
  }

  /** The checks and their results; {@code status} is UP only when all pass. */
  public Map<String, Object> check() {
    boolean mqtt = mqttConnected.getAsBoolean();
    int inFlight = metrics.inFlight();
    Duration sinceAck = metrics.sinceLastAck();
    boolean kafka = inFlight == 0 || sinceAck.compareTo(stuckAfter) < 0;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("status", mqtt && kafka ? "UP" : "DOWN");
    result.put("mqttConnected", mqtt);
    result.put("kafkaAcking", kafka);
    result.put("inFlight", inFlight);
    result.put("msSinceLastKafkaAck", sinceAck.toMillis());
    return result;
  }

  public boolean isUp() {
    return "UP".equals(check().get("status"));
  }
}
