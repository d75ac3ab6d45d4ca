package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.brokers.EmbeddedKafkaBroker;
import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.junit.RequiredTools;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line secured as a plant IT admin would run it: mosquitto with the compose deployment's ACL and a password per
 * station, MQTT over TLS with a plant CA the test makes, Kafka with SASL/PLAIN logins passed through every service's
 * {@code kafka.client.*}, and the query API behind a bearer token. Real agents run real tests through it; then
 * every log the line wrote is searched for each secret.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd"})
class SecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BRIDGE_USER = "testline-bridge";
  private static final Map<String, String> SECRETS = new LinkedHashMap<>();

  @TempDir
  static Path tmp;

  private static Pipeline pipeline;
  private static Station station;
  private static String tlsUri;
  private static TestCertificates certs;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startASecuredLine() throws Exception {
    // the compose deployment's broker, its ACL and password file: mosquitto's own, which HiveMQ CE cannot stand for
    Path passwd = RequiredTools.require("mosquitto_passwd");
    for (String name : List.of("FCT-01", "FCT-02", BRIDGE_USER, "kafka", "api", "db", "truststore")) {
      SECRETS.put(name, name.toLowerCase() + "-secret-" + UUID.randomUUID());
    }
    certs = TestCertificates.create(tmp.resolve("certs"), SECRETS.get("truststore"));
    Path passwords = Files.createFile(tmp.resolve("passwd"));
    for (String user : List.of("FCT-01", "FCT-02", BRIDGE_USER)) {
      Process p = new ProcessBuilder(passwd.toString(), "-b", passwords.toString(), user, SECRETS.get(user))
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mosquitto_passwd " + user).isTrue();
    }
    Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    int tlsPort = Pipeline.freePort();
    tlsUri = "ssl://127.0.0.1:" + tlsPort;
    MosquittoBroker.Builder mqtt = MosquittoBroker.builder()
        .option("per_listener_settings", "false")
        .option("allow_anonymous", "false")
        .configLine("password_file " + passwords)
        .configLine("acl_file " + repo.resolve("deploy/mosquitto/acl"))
        .configLine("listener " + tlsPort + " 127.0.0.1")
        .configLine("certfile " + certs.serverCertPem())
        .configLine("keyfile " + certs.serverKeyPem());
    Map<String, String> kafkaLogin = EmbeddedKafkaBroker.saslClientSettings("testline", SECRETS.get("kafka"));
    Map<String, Object> bridge = Map.of("mqtt.url", tlsUri, "mqtt.username", BRIDGE_USER,
        "mqtt.password", SECRETS.get(BRIDGE_USER), "mqtt.tls.trustStore", certs.trustStore(),
        "mqtt.tls.trustStorePassword", SECRETS.get("truststore"));
    pipeline = new Pipeline(tmp.resolve("pipeline"), new Pipeline.Options(mqtt,
        EmbeddedKafkaBroker.builder().saslPlain(Map.of("testline", SECRETS.get("kafka"))), kafkaLogin, bridge,
        Map.of("http.authToken", SECRETS.get("api"), "db.password", SECRETS.get("db")),
        Map.of("db.password", SECRETS.get("db"))));
    station = new Station("FCT-01", tmp.resolve("FCT-01"), tmp.resolve("FCT-01/data"), tlsUri, """
        mqtt.username: FCT-01
        mqtt.password: %s
        mqtt.tls.trustStore: %s
        mqtt.tls.trustStorePassword: %s
        """.formatted(SECRETS.get("FCT-01"), certs.trustStore(), SECRETS.get("truststore")), List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (station != null) {
      station.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void a_station_on_tls_with_its_own_login_gets_its_runs_stored_with_a_verdict() throws Exception {
    station.start();
    station.awaitAttempts(2, 180_000);
    station.pause();
    List<String> runIds = station.attempts().stream().map(Station.Attempt::runId).toList();
    assertThat(runIds).as("runs the agent reported").doesNotContainNull();

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      for (String runId : runIds) {
        HttpResponse<String> run = get("api/runs/" + runId, SECRETS.get("api"));
        assertThat(run.statusCode()).as("GET run " + runId + ": " + run.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(run.body());
        assertThat(body.path("run").path("stationId").asText(body.path("stationId").asText()))
            .isEqualTo("FCT-01");
        assertThat(body.toString()).contains("ACCEPTED");
      }
    });
  }

  @Test
  @Order(2)
  void the_broker_refuses_tls_clients_that_do_not_trust_the_plant_ca_and_logins_with_a_wrong_password() {
    MqttConnectionOptions wrongPassword = options("FCT-01", "not-the-password");
    assertThatThrownBy(() -> connect(pipeline.mqttUri(), wrongPassword)).isInstanceOf(MqttException.class);
    // the JVM's default CAs do not know the plant CA
    assertThatThrownBy(() -> connect(tlsUri, options("FCT-01", SECRETS.get("FCT-01"))))
        .isInstanceOf(MqttException.class);
  }

  @Test
  @Order(3)
  void the_query_api_refuses_requests_without_the_bearer_token() throws Exception {
    HttpResponse<String> none = get("api/runs", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(none.body()).path("error").asText()).contains("authentication required");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("Bearer"));
    HttpResponse<String> wrong = get("api/runs", SECRETS.get("api") + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(wrong.body()).path("error").asText()).isEqualTo("invalid bearer token");
    assertThat(get("api/stations", SECRETS.get("api")).statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(pipeline.consumerMetrics().resolve("health")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).as("health stays open for probes").isEqualTo(200);
  }

  @Test
  @Order(4)
  void a_station_cannot_publish_as_another_and_a_spoofed_payload_on_its_own_topic_is_dead_lettered()
      throws Exception {
    String example;
    try (InputStream in = SecurityIT.class.getResourceAsStream("/testline/examples/run.started.json")) {
      example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String underVictimsTopic = UUID.randomUUID().toString();
    String spoofedPayload = UUID.randomUUID().toString();
    MqttClient fct02 = connect(pipeline.mqttUri(), options("FCT-02", SECRETS.get("FCT-02")));
    try {
      publish(fct02, "testline/v1/FCT-01/events", example.replace("FCT-L1-03", "FCT-01")
          .replace("019aaa11-0000-7000-8000-000000000010", underVictimsTopic));
      publish(fct02, "testline/v1/FCT-02/events", example.replace("FCT-L1-03", "FCT-01")
          .replace("019aaa11-0000-7000-8000-000000000010", spoofedPayload));
      fct02.disconnect();
    } finally {
      fct02.close();
    }

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<ConsumerRecord<byte[], byte[]>> dead = readAll(pipeline.topics().deadLetter());
      assertThat(dead.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(spoofedPayload))
          .map(r -> header(r, Topics.HEADER_DLQ_REASON)).toList()).containsExactly("STATION_MISMATCH");
    });
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(readAll(pipeline.topics().events()));
    all.addAll(readAll(pipeline.topics().deadLetter()));
    assertThat(all).as("the message the ACL refused reached no topic")
        .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(underVictimsTopic));
  }

  @Test
  @Order(5)
  void kafka_refuses_clients_without_the_login_the_services_pass_through() throws Exception {
    Map<String, Object> anonymous = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        pipeline.kafka().bootstrapServers(), "request.timeout.ms", 3000, "default.api.timeout.ms", 5000);
    try (Admin admin = Admin.create(anonymous)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).isNotNull();
    }
    try (Admin admin = Admin.create(pipeline.kafkaProps())) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(pipeline.topics().events());
    }
  }

  @Test
  @Order(6)
  void no_secret_appears_in_any_log_of_the_line() throws IOException {
    List<Path> logs = new ArrayList<>(pipeline.logs());
    try (Stream<Path> files = Files.walk(tmp.resolve("FCT-01"))) {
      files.filter(f -> f.getFileName().toString().endsWith(".log")).forEach(logs::add);
    }
    assertThat(logs).hasSizeGreaterThanOrEqualTo(6);
    for (Path log : logs) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      for (Map.Entry<String, String> secret : SECRETS.entrySet()) {
        assertThat(text).as("%s in %s", secret.getKey(), log).doesNotContain(secret.getValue());
      }
    }
  }

  private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pipeline.queryApi() + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static MqttConnectionOptions options(String user, String password) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(user);
    options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    options.setConnectionTimeout(10);
    return options;
  }

  private static MqttClient connect(String uri, MqttConnectionOptions options) throws MqttException {
    MqttClient client = new MqttClient(uri, "security-it-" + UUID.randomUUID(), new MemoryPersistence());
    try {
      client.connect(options);
      return client;
    } catch (MqttException e) {
      client.close();
      throw e;
    }
  }

  private static void publish(MqttClient client, String topic, String payload) throws MqttException {
    MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    client.publish(topic, message);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Map<String, Object> props = new LinkedHashMap<>(pipeline.kafkaProps());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      return records;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
