package io.testline.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks incoming bytes against the contract: size bound, well-formed JSON, a known {@code schema}, the JSON Schema
 * of that type (formats such as date-time asserted), and optionally the station the transport says it came from.
 * Every refusal names the field or limit. Thread-safe; build one and share it.
 */
public final class MessageValidator {
  /** How many schema violations one refusal lists; the rest are counted. */
  private static final int MAX_LISTED_ERRORS = 5;

  private final int maxMessageBytes;
  private final Map<MessageType, Schema> schemas = new EnumMap<>(MessageType.class);
  private final Schema deadLetterSchema;
  private final Schema seqGapSchema;

  public MessageValidator() {
    this(Schemas.MAX_MESSAGE_BYTES);
  }

  public MessageValidator(int maxMessageBytes) {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("maxMessageBytes: must be > 0, was " + maxMessageBytes);
    }
    this.maxMessageBytes = maxMessageBytes;
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).pathType(PathType.LEGACY).build())
        .schemaIdResolvers(resolvers -> resolvers.mapPrefix(Schemas.ID_BASE, "classpath:" + Schemas.RESOURCE_DIR)));
    for (MessageType type : MessageType.values()) {
      schemas.put(type, load(registry, type.schemaResource()));
    }
    deadLetterSchema = load(registry, DeadLetter.SCHEMA_RESOURCE);
    seqGapSchema = load(registry, SeqGap.SCHEMA_RESOURCE);
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Validates a message whose transport names no station. */
  public Validation validate(byte[] payload) {
    return validate(payload, null);
  }

  /**
   * Validates a message that the transport says comes from {@code expectedStationId} (e.g. the station level of its
   * MQTT topic); null skips that check.
   */
  public Validation validate(byte[] payload, String expectedStationId) {
    if (payload.length > maxMessageBytes) {
      return new Validation.Invalid(DeadLetterReason.OVERSIZE,
          "message is " + payload.length + " bytes, over the limit of " + maxMessageBytes);
    }
    JsonNode document;
    try {
      document = EventJson.mapper().readTree(payload);
    } catch (JsonProcessingException e) {
      return new Validation.Invalid(DeadLetterReason.MALFORMED_JSON, "malformed JSON: " + describe(e));
    } catch (IOException e) {
      return new Validation.Invalid(DeadLetterReason.MALFORMED_JSON, "unreadable JSON: " + e.getMessage());
    }
    if (document == null || !document.isObject()) {
      return new Validation.Invalid(DeadLetterReason.MALFORMED_JSON,
          "expected a JSON object, got " + (document == null ? "nothing" : document.getNodeType().name().toLowerCase()));
    }
    JsonNode schemaField = document.get("schema");
    if (schemaField == null || !schemaField.isTextual()) {
      return new Validation.Invalid(DeadLetterReason.UNKNOWN_SCHEMA,
          "$.schema: missing or not a string; expected e.g. \"" + MessageType.RUN_FINISHED.schemaId() + "\"");
    }
    String schemaId = schemaField.asText();
    MessageType type = MessageType.bySchemaId(schemaId).orElse(null);
    if (type == null) {
      String known = MessageType.knownVersionsOf(schemaId);
      return new Validation.Invalid(DeadLetterReason.UNKNOWN_SCHEMA, "$.schema: \"" + abbreviate(schemaId)
          + "\" is not known to this reader" + (known.isEmpty() ? "" : " (it reads " + known + ")"));
    }
    List<Error> errors = schemas.get(type).validate(document);
    if (!errors.isEmpty()) {
      return new Validation.Invalid(DeadLetterReason.SCHEMA_VIOLATION, schemaId + ": " + summarize(errors));
    }
    if (expectedStationId != null) {
      String stationId = document.get("stationId").asText();
      if (!stationId.equals(expectedStationId)) {
        return new Validation.Invalid(DeadLetterReason.STATION_MISMATCH, "$.stationId: \"" + stationId
            + "\" does not match the station \"" + abbreviate(expectedStationId) + "\" it was published as");
      }
    }
    return new Validation.Valid(type, document);
  }

  /** Schema violations of a dead-letter document; empty when it is valid. */
  public List<String> checkDeadLetter(JsonNode document) {
    return deadLetterSchema.validate(document).stream().map(Error::toString).collect(Collectors.toList());
  }

  /** Violations of a sequence gap record against its schema; empty when it is valid. */
  public List<String> checkSeqGap(JsonNode document) {
    return seqGapSchema.validate(document).stream().map(Error::toString).collect(Collectors.toList());
  }

  private static Schema load(SchemaRegistry registry, String resource) {
    Schema schema = registry.getSchema(SchemaLocation.of(Schemas.ID_BASE + resource.substring(Schemas.RESOURCE_DIR.length())));
    schema.initializeValidators();
    return schema;
  }

  private static String summarize(List<Error> errors) {
    String listed = errors.stream().limit(MAX_LISTED_ERRORS).map(Error::toString).collect(Collectors.joining("; "));
    int more = errors.size() - MAX_LISTED_ERRORS;
    return more > 0 ? listed + "; and " + more + " more" : listed;
  }

  private static String describe(JsonProcessingException e) {
    var location = e.getLocation();
    String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return e.getOriginalMessage() + where;
  }

  private static String abbreviate(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
