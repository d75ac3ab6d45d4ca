package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.brokers.junit.RequiredTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/make-secrets.sh} makes the bridge's MQTT user in mosquitto's password file without a manual step:
 * with {@code mosquitto_passwd}, and on a host without it with {@code testline mqtt-passwd} (mosquitto's
 * {@code $7$} PBKDF2-SHA512 line written in Java). Either way Debian's mosquitto, running the compose deployment's own
 * {@code mosquitto.conf} with that file, lets the bridge in with the password of {@code mqtt_bridge_password} and
 * refuses a wrong one; deleting the secret and running the script again rotates both.
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd"})
class MosquittoPasswdIT {
  private static final String BRIDGE = "testline-bridge";

  @TempDir
  Path tmp;

  @Test
  void without_mosquitto_passwd_the_script_writes_the_bridge_user_with_testline_and_mosquitto_accepts_it()
      throws Exception {
    Path certs = tmp.resolve("certs");
    DeployMosquitto.makeCerts(certs);
    Path secrets = tmp.resolve("secrets");
    Path passwd = tmp.resolve("passwd");
    // a line mosquitto_passwd wrote for another user (password "secret-pw-123"): the script keeps it
    Files.writeString(passwd, "FCT-01:" + "$7$101$BdVXa2PjP986/sgY$kRFUrTXoia2EJAze/7FcDfg0kw9dTrxVMutt6Axp"
        + "+QJjpIWosOBMl3dgERLBRJ/yNnPwQwCHWmlBgMys4dZzyA==\n");

    String out = makeSecrets(secrets, passwd, "");
    assertThat(out).contains(passwd + "(" + BRIDGE + ", testline mqtt-passwd)");
    List<String> lines = Files.readAllLines(passwd);
    assertThat(lines).as("the station's line kept, the bridge's added").hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith("FCT-01:$7$101$"))
        .anySatisfy(l -> assertThat(l).startsWith(BRIDGE + ":$7$1000$"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwd))).isEqualTo("rw-------");
    String password = Files.readString(secrets.resolve("mqtt_bridge_password")).strip();
    assertThat(Files.readString(passwd)).doesNotContain(password);
    assertAccepted(passwd, certs, password, "secret-pw-123");

    assertThat(makeSecrets(secrets, passwd, "")).as("a second run").contains("made: nothing");
    assertThat(Files.readAllLines(passwd)).isEqualTo(lines);

    Files.delete(secrets.resolve("mqtt_bridge_password"));
    makeSecrets(secrets, passwd, "");
    String rotated = Files.readString(secrets.resolve("mqtt_bridge_password")).strip();
    assertThat(rotated).isNotEqualTo(password);
    assertThat(Files.readAllLines(passwd)).hasSize(2).doesNotContainAnyElementsOf(lines.stream()
        .filter(l -> l.startsWith(BRIDGE + ":")).toList());
    try (DeployMosquitto broker = DeployMosquitto.start(Files.createDirectories(tmp.resolve("broker-rotated")),
        passwd, Map.of(BRIDGE, rotated), certs, Map.of())) {
      connect(broker, rotated).disconnect();
      assertRefused(broker, password);
    }
  }

  @Test
  void with_mosquitto_passwd_the_script_uses_it_and_mosquitto_accepts_the_bridge() throws Exception {
    Path certs = tmp.resolve("certs");
    DeployMosquitto.makeCerts(certs);
    Path secrets = tmp.resolve("secrets");
    Path passwd = tmp.resolve("passwd");

    String out = makeSecrets(secrets, passwd, RequiredTools.require("mosquitto_passwd").toString());
    assertThat(out).contains(passwd + "(" + BRIDGE + ", mosquitto_passwd)");
    assertThat(Files.readAllLines(passwd)).singleElement().asString().startsWith(BRIDGE + ":$7$");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwd))).isEqualTo("rw-------");
    assertAccepted(passwd, certs, Files.readString(secrets.resolve("mqtt_bridge_password")).strip(), null);
  }

  /** The bridge gets in with {@code password} and not with a wrong one; FCT-01 with its password when given. */
  private void assertAccepted(Path passwd, Path certs, String password, String stationPassword) throws Exception {
    try (DeployMosquitto broker = DeployMosquitto.start(Files.createDirectories(tmp.resolve("broker")), passwd,
        Map.of(BRIDGE, password), certs, Map.of())) {
      MqttClient bridge = connect(broker, password);
      assertThat(bridge.isConnected()).isTrue();
      bridge.disconnect();
      bridge.close();
      assertRefused(broker, password + "x");
      if (stationPassword != null) {
        MqttClient station = new MqttClient(broker.uri(), "FCT-01-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("FCT-01");
        options.setPassword(stationPassword.getBytes(StandardCharsets.UTF_8));
        station.connect(options);
        station.disconnect();
        station.close();
      }
    }
  }

  private static MqttClient connect(DeployMosquitto broker, String password) throws MqttException {
    MqttClient client = new MqttClient(broker.uri(), BRIDGE + "-" + UUID.randomUUID(), new MemoryPersistence());
    client.connect(options(password));
    return client;
  }

  private static void assertRefused(DeployMosquitto broker, String password) throws MqttException {
    MqttClient client = new MqttClient(broker.uri(), BRIDGE + "-" + UUID.randomUUID(), new MemoryPersistence());
    assertThatThrownBy(() -> client.connect(options(password))).as("a wrong password")
        .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isIn(134, 135));
    client.close();
  }

  private static MqttConnectionOptions options(String password) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(BRIDGE);
    options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    options.setConnectionTimeout(10);
    return options;
  }

  /** Runs make-secrets.sh DIR PASSWD with the packaged launcher and MOSQUITTO_PASSWD as given ("" : none). */
  private static String makeSecrets(Path secrets, Path passwd, String mosquittoPasswd) throws Exception {
    Path launcher = Path.of(System.getProperty("testline.dist", "target/testline")).toAbsolutePath().normalize()
        .resolve("bin/testline");
    assertThat(launcher).as("the packaged launcher, for mqtt-passwd").isExecutable();
    ProcessBuilder pb = new ProcessBuilder("sh", DeployMosquitto.REPO.resolve("deploy/make-secrets.sh").toString(),
        secrets.toString(), passwd.toString()).redirectErrorStream(true);
    pb.environment().put("TESTLINE", launcher.toString());
    pb.environment().put("MOSQUITTO_PASSWD", mosquittoPasswd);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("make-secrets.sh ends").isTrue();
    assertThat(p.exitValue()).as("make-secrets.sh: %s", out).isZero();
    return out;
  }
}
