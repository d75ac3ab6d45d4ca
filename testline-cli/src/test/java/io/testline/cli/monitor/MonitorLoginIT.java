package io.testline.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.junit.RequiredTools;
import io.testline.schemas.EventJson;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code testline monitor} watches a broker as the compose deployment runs it: no anonymous clients, TLS with a
 * plant CA. Its login comes from the agent's own variables, the password from a file.
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd", "openssl", "keytool"})
class MonitorLoginIT {
  private static final String STATION = "MON-TLS-1";

  @TempDir
  Path tmp;

  @Test
  void the_monitor_logs_in_over_tls_with_a_password_from_a_file_and_anonymous_clients_are_refused()
      throws Exception {
    String password = "monitor-pw-" + UUID.randomUUID();
    String storePassword = "store-pw-" + UUID.randomUUID();
    Path passwords = Files.createFile(tmp.resolve("passwd"));
    run("mosquitto_passwd", "-b", passwords.toString(), "monitor", password);
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", tmp.resolve("key.pem").toString(),
        "-out", tmp.resolve("cert.pem").toString());
    Path trustStore = tmp.resolve("trust.p12");
    run("keytool", "-importcert", "-noprompt", "-alias", "broker", "-file", tmp.resolve("cert.pem").toString(),
        "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", storePassword);
    int tlsPort;
    try (ServerSocket s = new ServerSocket(0)) {
      tlsPort = s.getLocalPort();
    }
    Path passwordFile = Files.writeString(tmp.resolve("mqtt-password"), password + "\n");
    MonitorCommand command = new MonitorCommand();
    MqttLogin login = command.login(Map.of("TESTLINE_MQTT_USERNAME", "monitor",
        "TESTLINE_MQTT_PASSWORD_FILE", passwordFile.toString(),
        "TESTLINE_MQTT_TLS_TRUST_STORE", trustStore.toString(),
        "TESTLINE_MQTT_TLS_TRUST_STORE_PASSWORD", storePassword));
    assertThat(login.toString()).doesNotContain(password, storePassword);

    try (MosquittoBroker broker = MosquittoBroker.builder().workDir(tmp.resolve("broker"))
        .option("per_listener_settings", "false").option("allow_anonymous", "false")
        .configLine("password_file " + passwords)
        .configLine("listener " + tlsPort + " 127.0.0.1")
        .configLine("certfile " + tmp.resolve("cert.pem"))
        .configLine("keyfile " + tmp.resolve("key.pem")).build()) {
      broker.start();
      String tls = "ssl://127.0.0.1:" + tlsPort;
      publishBirth(broker.serverUri(), password);

      LineState state = new LineState(Clock.systemUTC());
      try (MqttCollector collector = new MqttCollector(tls, login, state).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> state.station(STATION).isPresent());
        assertThat(state.station(STATION).orElseThrow().online()).isTrue();
      }
      MqttLogin anonymous = new MqttLogin(null, null, trustStore, storePassword);
      assertThatThrownBy(() -> new MqttCollector(tls, anonymous, new LineState(Clock.systemUTC())).start())
          .isInstanceOf(MqttException.class);
      MqttLogin wrongCa = new MqttLogin("monitor", password, null, null);
      assertThatThrownBy(() -> new MqttCollector(tls, wrongCa, new LineState(Clock.systemUTC())).start())
          .as("the JVM's CAs do not know the broker's certificate").isInstanceOf(MqttException.class);
    }
  }

  private static void publishBirth(String uri, String password) throws Exception {
    ObjectNode birth;
    try (InputStream in = MonitorLoginIT.class.getResourceAsStream("/testline/examples/station.birth.json")) {
      birth = (ObjectNode) EventJson.mapper().readTree(in);
    }
    birth.put("stationId", STATION).put("eventId", UUID.randomUUID().toString());
    MqttClient station = new MqttClient(uri, "station-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName("monitor");
    options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    station.connect(options);
    MqttMessage message = new MqttMessage(EventJson.mapper().writeValueAsBytes(birth));
    message.setQos(1);
    message.setRetained(true);
    station.publish("testline/v1/" + STATION + "/birth", message);
    station.disconnect();
    station.close();
  }

  private static void run(String tool, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(RequiredTools.require(tool).toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(tool + ": " + out).isTrue();
  }
}
