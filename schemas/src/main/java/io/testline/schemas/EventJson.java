package io.testline.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes testline messages as JSON. Absent optional fields are omitted (never written as null), unknown
 * fields are ignored on read (additive schema changes), duplicate keys and trailing data are refused.
 *
 * <p>Binding does not validate: run {@link MessageValidator} on input from outside the process.
 */
public final class EventJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private EventJson() {}

  /** The shared, configured mapper (thread-safe; do not reconfigure it). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] toBytes(Event<?> event) {
    return write(event);
  }

  public static byte[] toBytes(DeadLetter deadLetter) {
    return write(deadLetter);
  }

  public static byte[] toBytes(SeqGap gap) {
    return write(gap);
  }

  public static JsonNode toTree(Object message) {
    return MAPPER.valueToTree(message);
  }

  /** Binds a document of a known type; throws {@link IllegalArgumentException} naming the problem otherwise. */
  public static Event<?> parse(byte[] json) {
    try {
      return bind(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a testline event: " + e.getMessage(), e);
    }
  }

  /** Binds a document that must be of {@code payloadClass}'s type. */
  @SuppressWarnings("unchecked")
  public static <T extends Payload> Event<T> parse(byte[] json, Class<T> payloadClass) {
    Event<?> event = parse(json);
    if (!payloadClass.isInstance(event.data())) {
      throw new IllegalArgumentException(
          "expected " + MessageType.of(payloadClass).schemaId() + " but got " + event.schema());
    }
    return (Event<T>) event;
  }

  /** Binds an already-parsed document; its {@code schema} must name a known type. */
  public static Event<?> bind(JsonNode document) {
    String schema = document.path("schema").asText("");
    MessageType type = MessageType.bySchemaId(schema)
        .orElseThrow(() -> new IllegalArgumentException("unknown schema \"" + schema + "\""));
    JavaType eventType = MAPPER.getTypeFactory().constructParametricType(Event.class, type.payloadClass());
    try {
      return MAPPER.treeToValue(document, eventType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read " + schema + ": " + rootMessage(e), e);
    }
  }

  public static DeadLetter parseDeadLetter(byte[] json) {
    try {
      return MAPPER.readValue(json, DeadLetter.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a testline dead letter: " + e.getMessage(), e);
    }
  }

  /** Reads a sequence gap record (the seq-gaps topic's value, the bridge's resend request). */
  public static SeqGap parseSeqGap(byte[] json) {
    try {
      return MAPPER.readValue(json, SeqGap.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a testline sequence gap: " + e.getMessage(), e);
    }
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
