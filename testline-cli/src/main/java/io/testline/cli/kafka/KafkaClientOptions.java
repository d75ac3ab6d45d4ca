package io.testline.cli.kafka;

import io.testline.kafka.KafkaClientProperties;
import io.testline.schemas.TopicNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The Kafka options a reading command shares ({@code --bootstrap-servers}, {@code --kafka-config},
 * {@code --topic-prefix}), as a picocli mixin.
 */
public final class KafkaClientOptions {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "default: ${DEFAULT-VALUE}")
  String bootstrap;

  @Option(names = "--kafka-config", description = "a properties file of Kafka client settings (security etc.)")
  Path kafkaConfig;

  @Option(names = "--topic-prefix", defaultValue = "", description = "as the services' kafka.topicPrefix")
  String topicPrefix;

  /**
   * The base settings of this command's Kafka clients (bootstrap servers, client id, the file's settings), built by
   * the shared {@link KafkaClientProperties}; each reader or writer adds its own on top.
   */
  public Map<String, Object> clientProps() throws IOException {
    return clientProps(bootstrap, kafkaConfig);
  }

  /** The same for any command that names its own options: bootstrap servers and an optional properties file. */
  public static Map<String, Object> clientProps(String bootstrap, Path kafkaConfig) throws IOException {
    Properties file = new Properties();
    if (kafkaConfig != null) {
      try (InputStream in = Files.newInputStream(kafkaConfig)) {
        file.load(in);
      }
    }
    Map<String, String> settings = new HashMap<>();
    file.forEach((k, v) -> settings.put(k.toString(), v.toString()));
    return new KafkaClientProperties(bootstrap, "testline-cli", settings, "--kafka-config").admin("cli");
  }

  public TopicNames topics() {
    return new TopicNames(topicPrefix);
  }
}
