package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a real mosquitto with the compose deployment's ACL file ({@code deploy/mosquitto/acl}), its authentication
 * settings and a password file made by {@code mosquitto_passwd}, and shows a station can publish only under its own
 * id. Skipped where mosquitto or mosquitto_passwd is not installed (Debian: {@code apt-get install mosquitto}), failed
 * there instead when {@code TESTLINE_REQUIRE_TOOLS} names mosquitto (as in {@code .ci/run}).
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd"})
class MosquittoAclIT {

  private static final String BRIDGE_USER = "testline-bridge";
  private static final Map<String, String> PASSWORDS = Map.of(
      "FCT-01", "fct-01-secret", "FCT-02", "fct-02-secret", BRIDGE_USER, "bridge-secret");

  @TempDir
  static Path tmp;

  private static MosquittoBroker broker;
  private static MqttClient bridge;
  private static final Queue<String> delivered = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void startBrokerWithTheComposeAcl() throws Exception {
    Path mosquitto = RequiredTools.require("mosquitto");
    Path passwd = RequiredTools.require("mosquitto_passwd");

    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    Path conf = root.resolve("deploy/mosquitto/mosquitto.conf");
    Path acl = root.resolve("deploy/mosquitto/acl");
    Map<String, String> compose = ComposeFileIT.mosquittoOptions(conf);
    assertThat(compose).as("deploy/mosquitto/mosquitto.conf").containsKeys("password_file", "acl_file");

    Path passwordFile = tmp.resolve("passwd");
    Files.createFile(passwordFile);
    for (Map.Entry<String, String> user : PASSWORDS.entrySet()) {
      run(passwd.toString(), "-b", passwordFile.toString(), user.getKey(), user.getValue());
    }

    broker = MosquittoBroker.builder()
        .binary(mosquitto)
        .workDir(tmp.resolve("broker"))
        .option("per_listener_settings", compose.getOrDefault("per_listener_settings", "false"))
        .option("allow_anonymous", compose.get("allow_anonymous"))
        .configLine("password_file " + passwordFile)
        .configLine("acl_file " + acl)
        .build();
    broker.start();

    bridge = new MqttClient(broker.serverUri(), "testline-bridge-acl-test", new MemoryPersistence());
    bridge.setCallback(new Collector());
    bridge.connect(options(BRIDGE_USER, PASSWORDS.get(BRIDGE_USER)));
    // the bridge's own subscription: shared, over every station's uplink
    bridge.subscribe("$share/testline-bridge/testline/v1/+/+", 1);
  }

  @AfterAll
  static void stop() throws MqttException {
    if (bridge != null) {
      bridge.disconnect();
      bridge.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void a_station_publishes_under_its_own_id_but_not_under_another_stations() throws Exception {
    MqttAsyncClient station = new MqttAsyncClient(broker.serverUri(), "FCT-01", new MemoryPersistence());
    try {
      station.connect(options("FCT-01", PASSWORDS.get("FCT-01"))).waitForCompletion(10_000);

      publish(station, "testline/v1/FCT-02/events", "spoofed by FCT-01");
      publish(station, "testline/v1/FCT-01/events", "own event");

      // mosquitto keeps the order of one publisher's messages to one subscriber: once the second has arrived, the
      // first would have arrived before it, had the ACL let it through
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(delivered).contains("testline/v1/FCT-01/events"));
      assertThat(delivered).as("topics the bridge user received").containsExactly("testline/v1/FCT-01/events");
    } finally {
      station.disconnect().waitForCompletion(5_000);
      station.close();
    }
  }

  @Test
  void a_station_with_a_wrong_password_is_refused() throws Exception {
    MqttClient station = new MqttClient(broker.serverUri(), "FCT-02-wrong", new MemoryPersistence());
    try {
      assertThatThrownBy(() -> station.connect(options("FCT-02", "not-the-password")))
          .isInstanceOf(MqttException.class);
    } finally {
      station.close();
    }
  }

  /** Publishes at QoS 1; a PUBACK refusing it (not authorized) is fine here, delivery is what is checked. */
  private static void publish(MqttAsyncClient client, String topic, String text) {
    MqttMessage message = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    try {
      IMqttToken token = client.publish(topic, message);
      token.waitForCompletion(10_000);
    } catch (MqttException e) {
      // mosquitto answers a denied QoS 1 publish with PUBACK reason 0x87; Paho may report it as an exception
      assertThat(e.getReasonCode()).as("why the publish to %s failed", topic).isEqualTo(0x87);
    }
  }

  private static MqttConnectionOptions options(String user, String password) {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setUserName(user);
    o.setPassword(password.getBytes(StandardCharsets.UTF_8));
    o.setCleanStart(true);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(10);
    return o;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finishes", List.of(command)).isTrue();
    assertThat(p.exitValue()).as("%s exit code: %s", command[0],
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }

  private static final class Collector implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      delivered.add(topic);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
