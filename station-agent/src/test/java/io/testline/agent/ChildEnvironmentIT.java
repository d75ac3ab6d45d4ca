package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent JVM, logged in to a mosquitto that refuses anonymous clients with a password it reads from the file
 * {@code TESTLINE_MQTT_PASSWORD_FILE} names, runs a test program that prints its whole environment while secrets sit
 * in the agent's environment: none reaches the run's logs, the journal, the agent's own output or the broker.
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd", "env"})
class ChildEnvironmentIT {
  @TempDir
  Path tmp;

  @Test
  void a_test_program_printing_its_environment_leaks_no_secret_of_the_agent_anywhere() throws Exception {
    String stationPassword = "station-pw-" + UUID.randomUUID();
    String monitorPassword = "monitor-pw-" + UUID.randomUUID();
    Path passwords = Files.createFile(tmp.resolve("passwd"));
    addUser(passwords, "FCT-SECRET", stationPassword);
    addUser(passwords, "monitor", monitorPassword);
    Path passwordFile = Files.writeString(tmp.resolve("mqtt-password"), stationPassword + "\n");
    Map<String, String> secrets = Map.of(
        "TESTLINE_MQTT_TLS_KEY_STORE_PASSWORD", "keystore-pw-" + UUID.randomUUID(),
        "TESTLINE_SHOPFLOOR_AUTH_VALUE", "mes-token-" + UUID.randomUUID(),
        "MES_PASSWORD", "mes-pw-" + UUID.randomUUID(),
        "LAB_PIN", "lab-pin-" + UUID.randomUUID(),
        "STATION_CERT", "/run/secrets/station-key-" + UUID.randomUUID());
    Map<String, String> env = new java.util.HashMap<>(secrets);
    env.put("TESTLINE_MQTT_USERNAME", "FCT-SECRET");
    env.put("TESTLINE_MQTT_PASSWORD_FILE", passwordFile.toString());
    env.put("TESTLINE_RUN_ENVIRONMENT_DENY", "LAB_PIN");
    env.put("LAB_INSTRUMENT_ADDR", "GPIB0::5");

    try (MosquittoBroker broker = MosquittoBroker.builder().workDir(tmp.resolve("broker"))
        .option("per_listener_settings", "false").option("allow_anonymous", "false")
        .configLine("password_file " + passwords).build()) {
      broker.start();
      TestStation station = new TestStation(Files.createDirectories(tmp.resolve("station")), broker, null);
      List<String> published = Collections.synchronizedList(new ArrayList<>());
      MqttClient monitor = new MqttClient(broker.serverUri(), "monitor-" + UUID.randomUUID(), new MemoryPersistence());
      MqttConnectionOptions login = new MqttConnectionOptions();
      login.setUserName("monitor");
      login.setPassword(monitorPassword.getBytes(StandardCharsets.UTF_8));
      monitor.connect(login);
      try {
        IMqttMessageListener collect =
            (topic, message) -> published.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        monitor.subscribe(new MqttSubscription[] {new MqttSubscription("testline/v1/#", 1)},
            new IMqttMessageListener[] {collect});
        Path output = tmp.resolve("agent.out");
        int exit;
        try (AgentJvm agent = AgentJvm.start(output, env, List.of(), "run", "--config",
            station.configFile.toString(), "--serial", "SN-ENV-1", "--workdir", station.dir.toString(), "--",
            "env")) {
          exit = agent.waitFor(Duration.ofSeconds(90));
        }
        assertThat(exit).as(Files.readString(output)).isEqualTo(AgentExitCodes.PASS);
        await().atMost(Duration.ofSeconds(30)).until(() -> all(published).contains("run.finished"));

        Path runDir = station.runDirs().get(0);
        String runLog = Files.readString(runDir.resolve("merged.log"));
        assertThat(runLog).as("the program did print its environment, the run's own variables in it")
            .contains("LAB_INSTRUMENT_ADDR=GPIB0::5", "TESTLINE_RUN_ID=", "TESTLINE_RESULTS_FILE=");
        assertThat(all(published)).contains("LAB_INSTRUMENT_ADDR=GPIB0::5");

        List<String> secretValues = new ArrayList<>(secrets.values());
        secretValues.add(stationPassword);
        Map<String, String> places = new java.util.LinkedHashMap<>();
        places.put("published over MQTT", all(published));
        places.put("agent output", Files.readString(output));
        try (Stream<Path> files = Files.walk(station.dataDir)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            places.put(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
          }
        }
        assertThat(places.keySet()).anyMatch(p -> p.endsWith("journal.db")).anyMatch(p -> p.endsWith("run.log")
            || p.endsWith("merged.log"));
        places.forEach((place, text) -> assertThat(text).as(place).doesNotContain(secretValues)
            .doesNotContain("TESTLINE_MQTT", "TESTLINE_RUN_ENVIRONMENT_DENY", "MES_PASSWORD"));
      } finally {
        monitor.disconnect();
        monitor.close();
      }
    }
  }

  private static String all(List<String> published) {
    synchronized (published) {
      return String.join("\n", published);
    }
  }

  private static void addUser(Path passwords, String user, String password) throws Exception {
    Process p = new ProcessBuilder(RequiredTools.require("mosquitto_passwd").toString(), "-b", passwords.toString(),
        user, password).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mosquitto_passwd " + user).isTrue();
  }
}
