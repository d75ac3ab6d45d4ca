package io.testline.agent.openhtf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;

/**
 * Typed reads of a record's fields that name the field's place in the record when its type is wrong, so a rejected
 * file's reason says what to fix: {@code phases[2].start_time_millis: expected a whole number, was "soon"}.
 */
final class Fields {
  static final int MAX_TEXT = 8192;

  private Fields() {}

  /** The field's text; null when absent or JSON null; a number or boolean as its JSON text. */
  static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw wrong(where + field, "text", v);
    }
    return limit(v.asText(), MAX_TEXT);
  }

  static String requiredText(JsonNode node, String field, String where) {
    String v = text(node, field, where);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(where + field + ": missing");
    }
    return v;
  }

  /** Milliseconds since the epoch as an instant; null when absent or JSON null. */
  static Instant millis(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw wrong(where + field, "whole number of milliseconds since 1970", v);
    }
    return Instant.ofEpochMilli(v.asLong());
  }

  /** The field as an object; an empty object when absent or null. */
  static JsonNode object(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!v.isObject()) {
      throw wrong(where + field, "JSON object", v);
    }
    return v;
  }

  /** The field as an array; an empty array when absent or null. */
  static JsonNode array(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return JsonNodeFactory.instance.arrayNode();
    }
    if (!v.isArray()) {
      throw wrong(where + field, "JSON array", v);
    }
    return v;
  }

  static IllegalArgumentException wrong(String where, String expected, JsonNode was) {
    String shown = was.isContainerNode() ? (was.isArray() ? "an array" : "an object") : was.toString();
    return new IllegalArgumentException(where + ": expected a " + expected + ", was " + limit(shown, 80));
  }

  static String limit(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
