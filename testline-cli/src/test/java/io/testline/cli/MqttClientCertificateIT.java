package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.junit.RequiredTools;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose deployment's MQTT over TLS, end to end with real processes: {@code deploy/mosquitto/make-certs.sh}
 * makes the plant CA, the broker's and the stations' certificates; Debian's mosquitto runs the deploy
 * {@code mosquitto.conf} with its 8883 listener ({@code require_certificate}, {@code use_identity_as_username}); a
 * real {@code testline-agent run} JVM connects with its generated client certificate and its run arrives at the
 * bridge's subscription on the cleartext listener. Clients without a certificate or with one from another CA are
 * refused, and a station's certificate cannot publish under another station's id. A CA rotation keeps the old
 * stations' certificates working until the old CA is dropped.
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd"})
class MqttClientCertificateIT {
  private static final Map<String, String> PASSWORDS = Map.of("testline-bridge", "bridge-" + UUID.randomUUID());

  @TempDir
  static Path tmp;

  private static Path certs;
  private static String storePassword;
  private static DeployMosquitto broker;
  private static MqttClient bridge;
  private static final Queue<String> received = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void startTheDeployBrokerWithGeneratedCertificates() throws Exception {
    certs = tmp.resolve("certs");
    DeployMosquitto.makeCerts(certs, "FCT-01", "FCT-02");
    storePassword = Files.readString(certs.resolve("store-password"));
    broker = DeployMosquitto.start(Files.createDirectories(tmp.resolve("broker")), PASSWORDS, certs);
    bridge = new MqttClient(broker.uri(), "testline-bridge-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions login = new MqttConnectionOptions();
    login.setUserName("testline-bridge");
    login.setPassword(PASSWORDS.get("testline-bridge").getBytes(StandardCharsets.UTF_8));
    bridge.connect(login);
    // the array form: Paho 1.2.5's subscribe(String, int, listener) calls itself until the stack overflows
    bridge.subscribe(new MqttSubscription[] {new MqttSubscription("testline/v1/+/+", 1)},
        new IMqttMessageListener[] {(topic, message) ->
            received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8))});
  }

  @AfterAll
  static void stop() throws Exception {
    if (bridge != null && bridge.isConnected()) {
      bridge.disconnect();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void make_certs_run_again_keeps_the_ca_and_makes_only_a_new_station_with_keys_for_the_owner_only()
      throws Exception {
    byte[] ca = Files.readAllBytes(certs.resolve("ca/ca.crt"));
    byte[] fct01 = Files.readAllBytes(certs.resolve("stations/FCT-01/FCT-01.p12"));

    String again = DeployMosquitto.makeCerts(certs, "FCT-01", "FCT-03");

    assertThat(again).contains("FCT-03.p12").doesNotContain("FCT-01.p12").doesNotContain("(new CA)");
    assertThat(Files.readAllBytes(certs.resolve("ca/ca.crt"))).as("the CA is kept").isEqualTo(ca);
    assertThat(Files.readAllBytes(certs.resolve("stations/FCT-01/FCT-01.p12"))).as("FCT-01 is kept")
        .isEqualTo(fct01);
    assertThat(DeployMosquitto.makeCerts(certs, "FCT-03")).contains("nothing to make");
    for (Path key : List.of(certs.resolve("ca/ca.key"), certs.resolve("broker/server.key"),
        certs.resolve("stations/FCT-01/FCT-01.key"), certs.resolve("stations/FCT-01/FCT-01.p12"))) {
      assertThat(Files.getPosixFilePermissions(key)).as("permissions of %s", key)
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
  }

  @Test
  void an_agent_with_its_generated_client_certificate_publishes_its_run_over_tls() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("FCT-01"));
    Path config = Files.writeString(dir.resolve("agent.yaml"), """
        station:
          id: FCT-01
        agent:
          dataDir: %s
        mqtt:
          url: %s
          connectTimeout: 5s
          tls:
            trustStore: %s
            trustStorePassword: %s
            keyStore: %s
            keyStorePassword: %s
        run:
          flushTimeout: 30s
        """.formatted(dir.resolve("data"), broker.tlsUri(), certs.resolve("ca.p12"),
        storePassword, certs.resolve("stations/FCT-01/FCT-01.p12"), storePassword));
    Path output = dir.resolve("agent.out");
    Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "run", "--config", config.toString(),
        "--serial", "SN-TLS-1", "--", "sh", "-c", "echo tested over tls")
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      assertThat(agent.waitFor(90, TimeUnit.SECONDS)).as("the agent finished").isTrue();
      assertThat(agent.exitValue()).as(Files.readString(output)).isZero();
    } finally {
      agent.destroyForcibly();
    }

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received)
        .anyMatch(m -> m.startsWith("testline/v1/FCT-01/events ") && m.contains("run.finished"))
        .anyMatch(m -> m.startsWith("testline/v1/FCT-01/logs ") && m.contains("tested over tls")));
  }

  @Test
  void the_tls_listener_refuses_a_client_without_a_certificate_and_one_from_another_ca() throws Exception {
    Path otherCa = tmp.resolve("other-ca");
    DeployMosquitto.makeCerts(otherCa, "FCT-01");

    assertThatThrownBy(() -> connect(null, null)).as("no client certificate").isInstanceOf(MqttException.class);
    assertThatThrownBy(() -> connect(otherCa.resolve("stations/FCT-01/FCT-01.p12"),
        Files.readString(otherCa.resolve("store-password")))).as("a certificate from another CA")
        .isInstanceOf(MqttException.class);
    MqttClient own = connect(certs.resolve("stations/FCT-01/FCT-01.p12"), storePassword);
    assertThat(own.isConnected()).as("the plant CA's certificate for the same station").isTrue();
    own.disconnect();
  }

  @Test
  void a_station_certificate_cannot_publish_under_another_station_id() throws Exception {
    MqttClient fct01 = connect(certs.resolve("stations/FCT-01/FCT-01.p12"), storePassword);
    String marker = "marker-" + UUID.randomUUID();
    try {
      fct01.publish("testline/v1/FCT-02/events", qos1("forged-" + marker));
    } catch (MqttException refused) {
      // mosquitto answers the PUBACK with "not authorized"; what matters is that nothing is delivered
    }
    fct01.publish("testline/v1/FCT-01/events", qos1(marker));
    fct01.disconnect();

    // the broker keeps one client's messages in order: once its own arrived, a forged one would have too
    await().atMost(Duration.ofSeconds(20))
        .until(() -> received.contains("testline/v1/FCT-01/events " + marker));
    assertThat(received).noneMatch(m -> m.contains("forged-" + marker));
  }

  @Test
  void a_rotated_ca_accepts_old_and_new_station_certificates_until_the_old_ca_is_dropped() throws Exception {
    Path rotating = tmp.resolve("rotating");
    DeployMosquitto.makeCerts(rotating, "FCT-01");
    Path oldStation = Files.copy(rotating.resolve("stations/FCT-01/FCT-01.p12"), tmp.resolve("old-FCT-01.p12"));
    String password = Files.readString(rotating.resolve("store-password"));

    assertThat(DeployMosquitto.makeCerts(rotating, "--rotate-ca")).contains("(new CA)").contains("FCT-01.p12");
    Path newStation = rotating.resolve("stations/FCT-01/FCT-01.p12");
    try (DeployMosquitto during = DeployMosquitto.start(Files.createDirectories(tmp.resolve("during")), Map.of(),
        rotating)) {
      for (Path station : List.of(oldStation, newStation)) {
        MqttClient client = connect(during.tlsUri(), rotating.resolve("ca.p12"), password, station, password);
        assertThat(client.isConnected()).as("during the move: %s", station).isTrue();
        client.disconnect();
      }
    }

    Files.delete(rotating.resolve("ca/ca.crt.old"));
    DeployMosquitto.makeCerts(rotating, "--renew");
    try (DeployMosquitto after = DeployMosquitto.start(Files.createDirectories(tmp.resolve("after")), Map.of(),
        rotating)) {
      assertThatThrownBy(() -> connect(after.tlsUri(), rotating.resolve("ca.p12"), password, oldStation, password))
          .as("the old CA's certificate after the move").isInstanceOf(MqttException.class);
      MqttClient renewed = connect(after.tlsUri(), rotating.resolve("ca.p12"), password, newStation, password);
      assertThat(renewed.isConnected()).isTrue();
      renewed.disconnect();
    }
  }

  private static MqttMessage qos1(String payload) {
    MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    return message;
  }

  /** A TLS client trusting the plant CA, presenting the certificate in {@code keyStore} (none when null). */
  private static MqttClient connect(Path keyStore, String password) throws Exception {
    return connect(broker.tlsUri(), certs.resolve("ca.p12"), storePassword, keyStore, password);
  }

  private static MqttClient connect(String uri, Path trustStore, String trustPassword, Path keyStore,
      String password) throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(trustStore, trustPassword));
    KeyManagerFactory keys = null;
    if (keyStore != null) {
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keyStore, password), password.toCharArray());
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setSocketFactory(tls.getSocketFactory());
    options.setConnectionTimeout(10);
    MqttClient client = new MqttClient(uri, "cert-test-" + UUID.randomUUID(), new MemoryPersistence());
    try {
      client.connect(options);
    } catch (MqttException e) {
      client.close();
      throw e;
    }
    return client;
  }

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }
}
