package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.MessageCallback;
import io.testline.brokers.junit.RequiredTools;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's mosquitto started with the compose deployment's own {@code deploy/mosquitto/mosquitto.conf} ({@code
 * mosquitto -c}), only its container paths and its port adapted in a copy, and the limits testline relies on take
 * effect: a message of the bridge's 1,000,000-byte limit passes, a packet over {@code max_packet_size} is refused
 * with the publisher's disconnection and never reaches the bridge's subscription.
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
    Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    String conf = Files.readString(repo.resolve("deploy/mosquitto/mosquitto.conf"));
    Map<String, String> options = ComposeFileIT.mosquittoOptions(repo.resolve("deploy/mosquitto/mosquitto.conf"));
    assertThat(Long.parseLong(options.get("max_queued_bytes"))).as("max_queued_bytes, read as a 32-bit int")
        .isPositive().isLessThanOrEqualTo(Integer.MAX_VALUE);
    assertThat(Long.parseLong(options.get("max_packet_size"))).isEqualTo(1_100_000);

    Path passwords = Files.createFile(tmp.resolve("passwd"));
    for (Map.Entry<String, String> user : PASSWORDS.entrySet()) {
      run(RequiredTools.require("mosquitto_passwd").toString(), "-b", passwords.toString(), user.getKey(),
          user.getValue());
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path copy = tmp.resolve("mosquitto.conf");
    Files.writeString(copy, adapt(conf, Map.of(
        "password_file /mosquitto/config/passwd", "password_file " + passwords,
        "acl_file /mosquitto/config/acl", "acl_file " + repo.resolve("deploy/mosquitto/acl"),
        "persistence_location /mosquitto/data/", "persistence_location " + Files.createDirectories(tmp.resolve(
            "data")) + "/",
        "listener 1883", "listener " + port + " 127.0.0.1"))
        // as root, mosquitto would switch to user "mosquitto", which cannot read the test's temporary folder
        + ("root".equals(System.getProperty("user.name")) ? "user root\n" : ""));
    Path log = tmp.resolve("mosquitto.log");
    Process broker = new ProcessBuilder(RequiredTools.require("mosquitto").toString(), "-c", copy.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> accepting(port) || !broker.isAlive());
      assertThat(broker.isAlive()).as(Files.readString(log)).isTrue();
      String uri = "tcp://127.0.0.1:" + port;
      Queue<Integer> delivered = new ConcurrentLinkedQueue<>();
      MqttClient bridge = new MqttClient(uri, "testline-bridge-" + UUID.randomUUID(), new MemoryPersistence());
      // a callback, not a per-subscription listener: Paho matches those against the filter, which "$share/..." fails
      bridge.setCallback((MessageCallback) (topic, message) -> {
        delivered.add(message.getPayload().length);
      });
      bridge.connect(login("testline-bridge"));
      bridge.subscribe("$share/testline-bridge/testline/v1/+/+", 1);
      MqttClient station = client(uri, "FCT-01");

      publish(station, 1_000_000);
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.contains(1_000_000));

      try {
        publish(station, 1_200_000);
      } catch (org.eclipse.paho.mqttv5.common.MqttException refused) {
        // the broker closed the connection on the oversize packet: the refusal this test wants
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> !station.isConnected());
      assertThat(Files.readString(log)).contains("FCT-01");
      MqttClient again = client(uri, "FCT-01");
      publish(again, 10);
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.contains(10));
      assertThat(delivered).as("sizes the bridge's subscription received").containsExactly(1_000_000, 10);
      again.disconnect();
      bridge.disconnect();
    } finally {
      broker.destroy();
      if (!broker.waitFor(10, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
    }
  }

  /** {@code conf} with each original line replaced; fails when the file no longer holds one of them. */
  private static String adapt(String conf, Map<String, String> lines) {
    String out = conf;
    for (Map.Entry<String, String> line : lines.entrySet()) {
      assertThat(out).as("deploy/mosquitto/mosquitto.conf holds the line %s", line.getKey())
          .containsPattern("(?m)^" + java.util.regex.Pattern.quote(line.getKey()) + "$");
      out = out.replaceAll("(?m)^" + java.util.regex.Pattern.quote(line.getKey()) + "$",
          java.util.regex.Matcher.quoteReplacement(line.getValue()));
    }
    return out;
  }

  private static MqttClient client(String uri, String user) throws Exception {
    MqttClient client = new MqttClient(uri, user + "-" + UUID.randomUUID(), new MemoryPersistence());
    client.connect(login(user));
    return client;
  }

  private static MqttConnectionOptions login(String user) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(user);
    options.setPassword(PASSWORDS.get(user).getBytes(StandardCharsets.UTF_8));
    options.setConnectionTimeout(10);
    return options;
  }

  private static void publish(MqttClient client, int bytes) throws Exception {
    MqttMessage message = new MqttMessage(new byte[bytes]);
    message.setQos(1);
    client.publish("testline/v1/FCT-01/events", message);
  }

  private static boolean accepting(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", command) + ": " + out)
        .isTrue();
  }
}
