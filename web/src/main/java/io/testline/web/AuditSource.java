package io.testline.web;

import io.testline.schemas.TopicNames;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where the audit page reads Kafka, the system of record: the base settings of its Kafka clients (at least
 * {@code bootstrap.servers}; security settings pass through) and the topic names. Without one the audit page says
 * it has no Kafka to read.
 */
public record AuditSource(Map<String, Object> kafkaProps, TopicNames topics) {
  public AuditSource {
    kafkaProps = Map.copyOf(Objects.requireNonNull(kafkaProps, "kafkaProps"));
    Object bootstrap = kafkaProps.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.toString().isBlank()) {
      throw new IllegalArgumentException("web.kafka.bootstrapServers: is required for the audit page");
    }
    Objects.requireNonNull(topics, "topics");
  }
}
