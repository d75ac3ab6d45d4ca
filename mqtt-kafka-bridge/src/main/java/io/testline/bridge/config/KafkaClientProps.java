package io.testline.bridge.config;

import io.testline.kafka.KafkaClientProperties;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client properties of the bridge, built by the shared {@link KafkaClientProperties}. The producer's tuning
 * is the bridge's side of the delivery promise: a delivery timeout so long that a Kafka outage never fails a record:
 * the producer keeps retrying, MQTT stays unacknowledged and the broker's Receive Maximum holds the stations back.
 */
public final class KafkaClientProps {
  private KafkaClientProps() {}

  public static Map<String, Object> producer(BridgeConfig config, String role) {
    return of(config).producer(role, Map.of(
        ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) config.kafka().maxBlock().toMillis(),
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        // a record of the largest accepted message plus headers must fit in one request
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.min(Integer.MAX_VALUE, config.topics().maxMessageBytes())));
  }

  public static Map<String, Object> consumer(BridgeConfig config, String role, String groupId) {
    return of(config).consumer(role, groupId);
  }

  public static Map<String, Object> admin(BridgeConfig config) {
    return of(config).admin("admin");
  }

  static KafkaClientProperties of(BridgeConfig config) {
    return new KafkaClientProperties(config.kafka().bootstrapServers(), "testline-bridge-" + config.instanceId(),
        config.kafka().client(), "kafka.client");
  }
}
