package io.testline.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.EmbeddedKafkaBroker;
import io.testline.schemas.TopicNames;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged way plant IT passes Kafka logins: a YAML file without any secret, the SASL settings as
 * {@code TESTLINE_BRIDGE_KAFKA_CLIENT_*} variables and the JAAS line (which holds the password) in the file
 * {@code TESTLINE_BRIDGE_KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE} names, as a compose secret would be mounted. A real
 * {@code testline-bridge topics create} process logs in to a Kafka that refuses anonymous clients.
 */
class SecretsFromEnvironmentIT {
  @TempDir
  Path tmp;

  @Test
  void the_bridge_logs_in_to_kafka_with_a_jaas_line_from_a_secret_file_and_never_prints_it() throws Exception {
    String password = "kafka-pw-" + UUID.randomUUID();
    Map<String, String> login = EmbeddedKafkaBroker.saslClientSettings("testline", password);
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(tmp.resolve("kafka"))
        .saslPlain(Map.of("testline", password)).build()) {
      kafka.start();
      String prefix = "secrets-" + UUID.randomUUID().toString().substring(0, 8) + ".";
      Path config = Files.writeString(tmp.resolve("bridge.yaml"), """
          kafka:
            bootstrapServers: %s
            topicPrefix: %s
          topics:
            partitions: 1
            replicationFactor: 1
            minInsyncReplicas: 1
          """.formatted(kafka.bootstrapServers(), prefix));
      Path jaas = Files.writeString(tmp.resolve("kafka_jaas"), login.get("sasl.jaas.config") + "\n");
      Map<String, String> env = new HashMap<>();
      env.put("TESTLINE_BRIDGE_KAFKA_CLIENT_SECURITY_PROTOCOL", login.get("security.protocol"));
      env.put("TESTLINE_BRIDGE_KAFKA_CLIENT_SASL_MECHANISM", login.get("sasl.mechanism"));
      env.put("TESTLINE_BRIDGE_KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE", jaas.toString());

      Path output = tmp.resolve("topics-create.log");
      assertThat(bridge(env, output, "topics", "create", "--config", config.toString()))
          .as(Files.readString(output)).isZero();

      Map<String, Object> admin = new HashMap<>(login);
      admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (Admin client = Admin.create(admin)) {
        assertThat(client.listTopics().names().get(30, TimeUnit.SECONDS))
            .containsAll(new TopicNames(prefix).all());
      }
      assertThat(Files.readString(output)).contains("created " + prefix).doesNotContain(password);

      env.put("TESTLINE_BRIDGE_KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE", tmp.resolve("missing").toString());
      Path refused = tmp.resolve("refused.log");
      assertThat(bridge(env, refused, "topics", "create", "--config", config.toString())).isNotZero();
      assertThat(Files.readString(refused)).contains("kafka.client.sasl.jaas.config: "
          + "TESTLINE_BRIDGE_KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE names \"" + tmp.resolve("missing") + "\"");
    }
  }

  private static int bridge(Map<String, String> env, Path output, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("testline-bridge " + String.join(" ", args) + " did not exit in 120 s");
    }
    return process.exitValue();
  }
}
