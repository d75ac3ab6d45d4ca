package io.testline.cli.kafka;

import io.testline.schemas.TopicNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
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

  /** The client settings: the file's, then {@code bootstrap.servers}. */
  public Map<String, Object> clientProps() throws IOException {
    Properties file = new Properties();
    if (kafkaConfig != null) {
      try (InputStream in = Files.newInputStream(kafkaConfig)) {
        file.load(in);
      }
    }
    Map<String, Object> props = new HashMap<>();
    file.forEach((k, v) -> props.put(k.toString(), v));
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return props;
  }

  public TopicNames topics() {
    return new TopicNames(topicPrefix);
  }
}
