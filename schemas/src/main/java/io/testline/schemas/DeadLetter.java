package io.testline.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A message testline refused, with the reason and its provenance: the JSON form of a dead letter (schema
 * {@code testline.deadletter/1}). On Kafka the dead-letter topic keeps the original key and bytes as the record and
 * carries these fields as headers; this record is the same information for exports, audits and other sinks.
 *
 * @param component     the testline process that refused it, e.g. {@code mqtt-kafka-bridge/bridge-1}
 * @param stationId     the station named by the source topic, when there is one
 * @param payloadText   the original payload when it is valid UTF-8
 * @param payloadBase64 the original payload's exact bytes when it is not
 */
public record DeadLetter(
    String schema,
    DeadLetterReason reason,
    String detail,
    Instant receivedAt,
    String component,
    String exceptionClass,
    String stationId,
    Source source,
    long payloadBytes,
    String payloadText,
    String payloadBase64) {

  public static final String SCHEMA_ID = "testline.deadletter/1";
  public static final String SCHEMA_RESOURCE = Schemas.RESOURCE_DIR + "deadletter-1.schema.json";

  /** Where the refused message came from. */
  public record Source(String mqttTopic, String kafkaTopic, Integer partition, Long offset, String key) {
    public static Source mqtt(String topic) {
      return new Source(topic, null, null, null, null);
    }

    public static Source kafka(String topic, int partition, long offset, String key) {
      return new Source(null, topic, partition, offset, key);
    }
  }

  public DeadLetter {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(component, "component");
  }

  /** A dead letter for {@code payload}, kept as text when it is valid UTF-8 and as base64 otherwise. */
  public static DeadLetter of(
      DeadLetterReason reason, String detail, Instant receivedAt, String component, String stationId,
      Source source, byte[] payload, Throwable cause) {
    String text = utf8OrNull(payload);
    return new DeadLetter(SCHEMA_ID, reason, detail, receivedAt, component,
        cause == null ? null : cause.getClass().getName(), stationId, source, payload.length,
        text, text == null ? Base64.getEncoder().encodeToString(payload) : null);
  }

  /** The original payload's bytes. */
  public byte[] payload() {
    if (payloadBase64 != null) {
      return Base64.getDecoder().decode(payloadBase64);
    }
    return payloadText == null ? new byte[0] : payloadText.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
