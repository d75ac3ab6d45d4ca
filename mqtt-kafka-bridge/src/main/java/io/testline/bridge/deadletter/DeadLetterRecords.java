package io.testline.bridge.deadletter;

import io.testline.kafka.DeadLetterHeaders;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original bytes as the value, the original key (or the MQTT topic) as the key, and
 * the provenance as {@code testline.dlq.*} headers. A payload too large for Kafka is cut to {@code maxValueBytes}
 * and says so in {@link Topics#HEADER_DLQ_PAYLOAD_BYTES} and the detail, since refusing it again would leave no trace at all.
 */
public final class DeadLetterRecords {
  private final String topic;
  private final String component;
  private final String bridgeId;
  private final int maxValueBytes;

  /**
   * @param topic         the dead-letter topic
   * @param bridgeId      this bridge instance, for {@link Topics#HEADER_BRIDGE}
   * @param maxValueBytes the largest value the dead-letter topic takes
   */
  public DeadLetterRecords(String topic, String bridgeId, int maxValueBytes) {
    this.topic = topic;
    this.bridgeId = bridgeId;
    this.component = "mqtt-kafka-bridge/" + bridgeId;
    this.maxValueBytes = maxValueBytes;
  }

  /** A dead letter for a message received from MQTT; {@code cause} may be null. */
  public ProducerRecord<byte[], byte[]> fromMqtt(String mqttTopic, byte[] payload, Instant receivedAt,
      DeadLetterReason reason, String detail, Throwable cause) {
    Headers headers = new RecordHeaders();
    headers.add(Topics.HEADER_MQTT_TOPIC, utf8(mqttTopic));
    headers.add(Topics.HEADER_RECEIVED_AT, utf8(receivedAt.toString()));
    headers.add(Topics.HEADER_BRIDGE, utf8(bridgeId));
    byte[] value = payload;
    String fullDetail = detail;
    if (payload.length > maxValueBytes) {
      value = Arrays.copyOf(payload, maxValueBytes);
      headers.add(Topics.HEADER_DLQ_PAYLOAD_BYTES, utf8(Integer.toString(payload.length)));
      fullDetail = detail + " (payload cut to its first " + maxValueBytes + " bytes)";
    }
    addProvenance(headers, reason, fullDetail, cause);
    return new ProducerRecord<>(topic, null, utf8(mqttTopic), value, headers);
  }

  /** A dead letter for a Kafka record (e.g. a verdict the downlink cannot deliver), keeping its key and value. */
  public ProducerRecord<byte[], byte[]> fromKafka(String sourceTopic, int partition, long offset, byte[] key,
      byte[] value, DeadLetterReason reason, String detail, Throwable cause) {
    Headers headers = new RecordHeaders();
    headers.add(Topics.HEADER_BRIDGE, utf8(bridgeId));
    DeadLetterHeaders.addKafkaSource(headers, sourceTopic, partition, offset);
    addProvenance(headers, reason, detail, cause);
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  private void addProvenance(Headers headers, DeadLetterReason reason, String detail, Throwable cause) {
    DeadLetterHeaders.addProvenance(headers, reason, detail, component, cause);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
