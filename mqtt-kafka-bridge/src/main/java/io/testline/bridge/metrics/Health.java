package io.testline.bridge.metrics;

import io.testline.metrics.HealthCheck;
import io.testline.metrics.HealthReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Whether the bridge does its job: MQTT connected, and Kafka not stuck (nothing in flight, or an acknowledgement
 * within {@code stuckAfter}). A stuck bridge is DOWN so an orchestrator can tell, but it is not restarted by this
 * class: holding messages unacknowledged during a Kafka outage is the designed behaviour.
 */
public final class Health implements HealthCheck {
  private final BooleanSupplier mqttConnected;
  private final BridgeMetrics metrics;
  private final Duration stuckAfter;

  public Health(BooleanSupplier mqttConnected, BridgeMetrics metrics, Duration stuckAfter) {
    this.mqttConnected = mqttConnected;
    this.metrics = metrics;
    this.stuckAfter = stuckAfter;
  }

  /** The checks and their results; UP only when all pass. */
  @Override
  public HealthReport check() {
    boolean mqtt = mqttConnected.getAsBoolean();
    int inFlight = metrics.inFlight();
    Duration sinceAck = metrics.sinceLastAck();
    boolean kafka = inFlight == 0 || sinceAck.compareTo(stuckAfter) < 0;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("mqttConnected", mqtt);
    result.put("kafkaAcking", kafka);
    result.put("inFlight", inFlight);
    result.put("msSinceLastKafkaAck", sinceAck.toMillis());
    return new HealthReport(mqtt && kafka, result);
  }

  public boolean isUp() {
    return check().up();
  }
}
