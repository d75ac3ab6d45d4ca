package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.MessageCallback;
import io.testline.brokers.junit.RequiredTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's mosquitto started with the compose deployment's own {@code deploy/mosquitto/mosquitto.conf} ({@code
 * mosquitto -c}), only its container paths and its ports adapted in a copy ({@link DeployMosquitto}), and the limits
 * testline relies on take effect: a message of the bridge's 1,000,000-byte limit passes, a packet over {@code
 * max_packet_size} is refused with the publisher's disconnection and never reaches the bridge's subscription.
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd"})
class MosquittoDeployConfIT {
  private static final Map<String, String> PASSWORDS = Map.of("FCT-01", "fct-secret-" + UUID.randomUUID(),
      "testline-bridge", "bridge-secret-" + UUID.randomUUID());

  @TempDir
  Path tmp;

  @Test
  void the_deploy_config_starts_and_refuses_a_packet_over_max_packet_size_while_a_full_size_message_passes()
      throws Exception {
    Map<String, String> options = ComposeFileIT.mosquittoOptions(DeployMosquitto.CONF);
    assertThat(Long.parseLong(options.get("max_queued_bytes"))).as("max_queued_bytes, read as a 32-bit int")
        .isPositive().isLessThanOrEqualTo(Integer.MAX_VALUE);
    assertThat(Long.parseLong(options.get("max_packet_size"))).isEqualTo(1_100_000);

    try (DeployMosquitto broker = DeployMosquitto.start(tmp, PASSWORDS, certs())) {
      String uri = broker.uri();
      Queue<Integer> delivered = new ConcurrentLinkedQueue<>();
      MqttClient bridge = new MqttClient(uri, "testline-bridge-" + UUID.randomUUID(), new MemoryPersistence());
      // a callback, not a per-subscription listener: Paho matches those against the filter, which "$share/..." fails
      bridge.setCallback((MessageCallback) (topic, message) -> {
        delivered.add(message.getPayload().length);
      });
      bridge.connect(broker.login("testline-bridge"));
      bridge.subscribe("$share/testline-bridge/testline/v1/+/+", 1);
      MqttClient station = client(broker, "FCT-01");

      publish(station, 1_000_000);
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.contains(1_000_000));

      try {
        publish(station, 1_200_000);
      } catch (org.eclipse.paho.mqttv5.common.MqttException refused) {
        // the broker closed the connection on the oversize packet: the refusal this test wants
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> !station.isConnected());
      assertThat(broker.log()).contains("FCT-01");
      MqttClient again = client(broker, "FCT-01");
      publish(again, 10);
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.contains(10));
      assertThat(delivered).as("sizes the bridge's subscription received").containsExactly(1_000_000, 10);
      again.disconnect();
      bridge.disconnect();
    }
  }

  /** The broker certificates its TLS listener needs to start, as make-certs.sh makes them. */
  private Path certs() throws Exception {
    Path certs = tmp.resolve("certs");
    DeployMosquitto.makeCerts(certs);
    return certs;
  }

  private static MqttClient client(DeployMosquitto broker, String user) throws Exception {
    MqttClient client = new MqttClient(broker.uri(), user + "-" + UUID.randomUUID(), new MemoryPersistence());
    client.connect(broker.login(user));
    return client;
  }


  private static void publish(MqttClient client, int bytes) throws Exception {
    MqttMessage message = new MqttMessage(new byte[bytes]);
    message.setQos(1);
    client.publish("testline/v1/FCT-01/events", message);
  }

}
