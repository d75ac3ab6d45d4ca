package io.testline.bridge.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client properties of the bridge. The producer settings are the delivery promise: acks=all, idempotent, and a
 * delivery timeout so long that a Kafka outage never fails a record: the producer keeps retrying, MQTT stays
 * unacknowledged and the broker's Receive Maximum holds the stations back.
 */
public final class KafkaClientProps {
  private KafkaClientProps() {}

  public static Map<String, Object> producer(BridgeConfig config, String role) {
    Map<String, Object> props = common(config, role);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) config.kafka().maxBlock().toMillis());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    // A record of the largest accepted message plus headers must fit in one request.
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.min(Integer.MAX_VALUE,
        config.topics().maxMessageBytes()));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.putAll(config.kafka().client());
    return props;
  }

  public static Map<String, Object> consumer(BridgeConfig config, String role, String groupId) {
    Map<String, Object> props = common(config, role);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.putAll(config.kafka().client());
    return props;
  }

  public static Map<String, Object> admin(BridgeConfig config) {
    Map<String, Object> props = common(config, "admin");
    props.putAll(config.kafka().client());
    return props;
  }

  private static Map<String, Object> common(BridgeConfig config, String role) {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "testline-bridge-" + config.instanceId() + "-" + role);
    props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return props;
  }
}
