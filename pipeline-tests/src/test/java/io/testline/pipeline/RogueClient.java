package io.testline.pipeline;

import io.testline.schemas.DeadLetterReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * A client on the plant network that is no testline agent: it publishes into the testline topic tree what a
 * broken script or an attacker would, one message per kind of bad input, and says which dead-letter reason each
 * must get.
 */
final class RogueClient {
  private RogueClient() {}

  /**
   * Publishes one message of each kind under {@code ownId}'s topics; the spoofed one claims {@code victimId}.
   * Returns how many dead letters of each reason the bridge must write for them.
   */
  static Map<DeadLetterReason, Integer> publishBadInput(String serverUri, String ownId, String victimId)
      throws MqttException, IOException {
    String example = example();
    String topic = "testline/v1/" + ownId + "/events";
    Map<String, DeadLetterReason> messages = new LinkedHashMap<>();
    messages.put("{\"schema\": \"testline.run.started/1\", \"eventId\": ", DeadLetterReason.MALFORMED_JSON);
    messages.put(forStation(example, ownId).replace("testline.run.started/1", "testline.run.started/9"),
        DeadLetterReason.UNKNOWN_SCHEMA);
    messages.put(forStation(example, ownId).replaceFirst("\"runId\": \"[^\"]+\",", ""),
        DeadLetterReason.SCHEMA_VIOLATION);
    messages.put(forStation(example, victimId), DeadLetterReason.STATION_MISMATCH);
    messages.put(forStation(example, ownId).replace("\"op-1187\"", "\"" + "x".repeat(1_050_000) + "\""),
        DeadLetterReason.OVERSIZE);

    Map<DeadLetterReason, Integer> expected = new LinkedHashMap<>();
    MqttClient client = new MqttClient(serverUri, "rogue-" + UUID.randomUUID(), new MemoryPersistence());
    try {
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      client.connect(options);
      for (Map.Entry<String, DeadLetterReason> m : messages.entrySet()) {
        MqttMessage message = new MqttMessage(m.getKey().getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
        expected.merge(m.getValue(), 1, Integer::sum);
      }
      // a topic outside the tree's last level
      client.publish("testline/v1/" + ownId + "/firmware", new MqttMessage("{}".getBytes(StandardCharsets.UTF_8),
          1, false, null));
      expected.merge(DeadLetterReason.BAD_TOPIC, 1, Integer::sum);
      client.disconnect();
    } finally {
      client.close();
    }
    return expected;
  }

  private static String forStation(String example, String stationId) {
    return example.replace("\"FCT-L1-03\"", "\"" + stationId + "\"")
        .replace("019aaa11-0000-7000-8000-000000000010", UUID.randomUUID().toString());
  }

  private static String example() throws IOException {
    try (InputStream in = RogueClient.class.getResourceAsStream("/testline/examples/run.started.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
